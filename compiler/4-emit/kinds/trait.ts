import type { KindEmitter } from '../context.ts';

/** The compiled block of a Trait definition in the manifest. */
export const emitTrait: KindEmitter = () => undefined;
