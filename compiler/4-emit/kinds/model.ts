import type { KindEmitter } from '../context.ts';

/** The compiled block of a Model definition in the manifest. */
export const emitModel: KindEmitter = () => undefined;
