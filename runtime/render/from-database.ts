import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/types/manifest.ts';
import type { CompiledTemplate } from '../../compiler/templates/contract.ts';
import { loadCustomer } from '../segments/customer-context.ts';
import type { RenderInput } from './context.ts';
import { messageToken, PREVIEW_LINKS, type LinkSettings } from './preview.ts';

/**
 * The render input for one customer from the database, as of an instant: their fields, traits
 * and segment memberships, the popularity fallback for `recommendations` (most purchased items
 * up to `asOf`, leaving out what the customer bought), and their cart as `journey.entry.items`
 * for previews of journey emails. Scores and tiers are filled by the models work when it stores them.
 */
export async function databaseRenderInput(
  db: Database,
  manifest: Manifest,
  compiled: CompiledTemplate,
  customerId: string,
  asOf: number,
  links: LinkSettings = PREVIEW_LINKS,
): Promise<RenderInput> {
  const loaded = await loadCustomer(db, manifest, customerId, asOf);
  const k = db.kysely;
  const memberships = await k
    .selectFrom('segment_memberships')
    .select('segment')
    .where('customer_id', '=', customerId)
    .where('entered_at', '<=', asOf)
    .where((eb) => eb.or([eb('exited_at', 'is', null), eb('exited_at', '>', asOf)]))
    .orderBy('segment')
    .execute();
  const events = loaded.context.events ?? [];
  const recommendations = await popularFromDatabase(db, manifest, compiled.recommendations.count, customerId, asOf, events);
  const cartIds = events.filter((e) => e.type === 'added_to_cart' && e.at <= asOf && e.item_id != null).map((e) => String(e.item_id));
  const cart = await itemsById(db, manifest, cartIds);
  const token = messageToken(compiled.name, customerId);
  return {
    customer: loaded.context.customer as Record<string, unknown>,
    traits: (loaded.context.traits ?? {}) as Record<string, unknown>,
    segments: memberships.map((m) => String(m.segment)),
    recommendations,
    journey: { name: 'preview', step: compiled.name, entry: { event: 'added_to_cart', items: cartIds.map((id) => cart.get(id)).filter((i): i is Record<string, unknown> => i !== undefined) } },
    unsubscribe_url: `${links.baseUrl}/unsubscribe/${token}`,
    preferences_url: `${links.baseUrl}/preferences/${token}`,
    message_id: `${token}@${links.messageDomain}`,
  };
}

/** Most purchased items (by quantity when purchases have one, else by count) up to `asOf`. */
async function popularFromDatabase(
  db: Database,
  manifest: Manifest,
  count: number,
  customerId: string,
  asOf: number,
  events: ReadonlyArray<{ type: string; item_id?: unknown }>,
): Promise<Array<Record<string, unknown>>> {
  const purchase = manifest.dataModel.events.purchase;
  if (!purchase || !purchase.item_id) return [];
  const bought = new Set(events.filter((e) => e.type === 'purchase' && e.item_id != null).map((e) => String(e.item_id)));
  const rows = await db.kysely
    .selectFrom('events')
    .select((eb) => ['item_id', (purchase.quantity ? eb.fn.sum('quantity') : eb.fn.countAll()).as('n')])
    .where('type', '=', 'purchase')
    .where('at', '<=', asOf)
    .where('item_id', 'is not', null)
    .groupBy('item_id')
    .orderBy('n', 'desc')
    .orderBy('item_id')
    .limit(count + bought.size)
    .execute();
  const ranked = rows.map((r) => String(r.item_id));
  const fresh = ranked.filter((id) => !bought.has(id));
  const chosen = (fresh.length >= count ? fresh : [...fresh, ...ranked.filter((id) => bought.has(id))]).slice(0, count);
  const items = await itemsById(db, manifest, chosen);
  return chosen.map((id) => items.get(id)).filter((i): i is Record<string, unknown> => i !== undefined);
}

export async function itemsById(db: Database, manifest: Manifest, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (ids.length === 0) return out;
  const columns = ['id', ...Object.keys(manifest.dataModel.items.fields)];
  const rows = await db.kysely.selectFrom('items').select(columns).where('id', 'in', [...new Set(ids)]).execute();
  for (const row of rows) {
    const item: Record<string, unknown> = {};
    for (const c of columns) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      // Drivers return numeric columns as strings on PostgreSQL (bigint, numeric).
      item[c] = c !== 'id' && manifest.dataModel.items.fields[c]?.type === 'number' && typeof v === 'string' ? Number(v) : v;
    }
    out.set(String(row.id), item);
  }
  return out;
}
