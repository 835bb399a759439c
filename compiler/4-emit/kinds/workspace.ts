import type { CompiledWorkspace } from '../../contract/manifest.ts';
import type { KindEmitter } from '../context.ts';

/**
 * The compiled block of the Workspace: the settings the runtime reads before anything else, with
 * the schema's defaults (the data model itself is the manifest's top-level `dataModel`).
 */
export const emitWorkspace: KindEmitter = (def): CompiledWorkspace => {
  const spec = def.spec as { database?: unknown; timezone?: unknown };
  return {
    database: typeof spec.database === 'string' ? spec.database : 'sqlite:.herald/herald.db',
    timezone: typeof spec.timezone === 'string' ? spec.timezone : 'UTC',
  };
};
