import type { KindEmitter } from '../context.ts';

/** The compiled block of a Journey definition in the manifest. */
export const emitJourney: KindEmitter = () => undefined;
