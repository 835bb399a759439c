import type { KindEmitter } from '../context.ts';

/** The compiled block of a Campaign definition in the manifest. */
export const emitCampaign: KindEmitter = () => undefined;
