import type { KindEmitter } from '../context.ts';

/** The compiled block of a Test definition in the manifest. */
export const emitTest: KindEmitter = () => undefined;
