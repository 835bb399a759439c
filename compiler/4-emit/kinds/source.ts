import type { KindEmitter } from '../context.ts';

/** The compiled block of a Source definition in the manifest. */
export const emitSource: KindEmitter = () => undefined;
