import type { KindEmitter } from '../context.ts';

/** The compiled block of a Template definition in the manifest. */
export const emitTemplate: KindEmitter = () => undefined;
