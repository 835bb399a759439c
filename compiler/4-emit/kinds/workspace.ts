import type { KindEmitter } from '../context.ts';

/** The compiled block of a Workspace definition in the manifest. */
export const emitWorkspace: KindEmitter = () => undefined;
