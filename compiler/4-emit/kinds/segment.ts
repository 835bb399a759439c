import type { KindEmitter } from '../context.ts';

/** The compiled block of a Segment definition in the manifest. */
export const emitSegment: KindEmitter = () => undefined;
