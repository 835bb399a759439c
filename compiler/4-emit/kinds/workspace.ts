import { databaseSetting, timeZoneSetting, type CompiledWorkspace, type Topic } from '../../contract/workspace-settings.ts';
import type { KindEmitter } from '../context.ts';
import { normalizeDelivery, type WrittenDelivery } from '../settings/delivery.ts';
import { normalizeServer, type WrittenServer } from '../settings/server.ts';

/**
 * The compiled block of the Workspace: the settings the runtime reads before anything else, with
 * the schema's defaults applied (the data model itself is the manifest's top-level `dataModel`).
 */
export const emitWorkspace: KindEmitter = (def, ctx): CompiledWorkspace => {
  const spec = def.spec as { database?: unknown; timezone?: unknown; delivery?: unknown; server?: unknown; topics?: unknown };
  const timezone = timeZoneSetting(spec.timezone);
  return {
    ...databaseSetting(spec.database, def.metadata.name),
    timezone,
    delivery: normalizeDelivery(objectOr<WrittenDelivery>(spec.delivery), {
      timeZone: timezone,
      customerFields: ctx.dataModel.customers.fields,
    }),
    server: normalizeServer(objectOr<WrittenServer>(spec.server)),
    topics: topicsOf(spec.topics),
  };
};

function objectOr<T>(value: unknown): T {
  return (value && typeof value === 'object' ? value : {}) as T;
}

/** The declared topics, by name (the order the preferences page lists them in). */
function topicsOf(value: unknown): Topic[] {
  const topics = objectOr<Record<string, { title: string; description?: string }>>(value);
  return Object.keys(topics)
    .sort()
    .map((name) => ({
      name,
      title: topics[name]!.title,
      ...(topics[name]!.description ? { description: topics[name]!.description } : {}),
    }));
}
