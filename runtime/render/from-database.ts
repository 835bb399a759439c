import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { loadCustomer } from '../segments/customer-context.ts';
import type { RenderInput } from './context.ts';
import { previewLinks, PREVIEW_LINKS, type LinkSettings } from './preview.ts';
import { basketItem, openCartLines } from './cart.ts';
import { itemIdLookupKeys, normalizeItemId } from '../ingest/coerce/item-id.ts';
import { freshFirst } from './popularity.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { purchasedItemsByCustomer, scoresByCustomer, segmentsByCustomer } from './batch-reads.ts';

/**
 * The render input for one customer from the database, as of an instant: their fields, traits
 * and segment memberships, model scores and tiers (as last scored), `recommendations` from the
 * template's recommendations model when it has scored the customer, else the popularity fallback
 * (most purchased items up to `asOf`, leaving out what the customer bought), and their open
 * basket (runtime/render/cart.ts) as `journey.entry.items` for previews of journey emails.
 */
export async function databaseRenderInput(
  db: Database,
  manifest: Manifest,
  compiled: CompiledTemplate,
  customerId: string,
  asOf: number,
  links: LinkSettings = PREVIEW_LINKS,
  cache?: RenderInputCache,
): Promise<RenderInput> {
  const loaded = await loadCustomer(db, manifest, customerId, asOf);
  const segments = (await segmentsByCustomer(db, [customerId], asOf)).get(customerId) ?? [];
  const events = loaded.context.events ?? [];
  const scored = (await scoresByCustomer(db, [customerId])).get(customerId) ?? { scores: {}, tiers: {} };
  const modelled = compiled.recommendations.model
    ? ((
        await modelRecommendationsByCustomer(db, manifest, compiled.recommendations.model, [customerId], compiled.recommendations.count)
      ).get(customerId) ?? [])
    : [];
  const recommendations =
    modelled.length > 0 ? modelled : await popularFromDatabase(db, manifest, compiled.recommendations.count, asOf, events, cache);
  const cartLines = openCartLines(events, asOf);
  const cart = await itemsById(
    db,
    manifest,
    cartLines.map((l) => l.raw),
  );
  return {
    customer: loaded.context.customer as Record<string, unknown>,
    traits: (loaded.context.traits ?? {}) as Record<string, unknown>,
    segments,
    scores: scored.scores,
    tiers: scored.tiers,
    recommendations,
    journey: { name: 'preview', step: compiled.name, entry: { event: 'added_to_cart', items: cartLines.map((l) => basketItem(l, cart)) } },
    ...previewLinks(compiled.name, customerId, links),
  };
}

/**
 * Each customer's items recommended by a model, best first, at most `count`, with the model's
 * score on each item (`item.score`): one query for all the customers. Previews and delivery both
 * read recommendations here, so an email shows the same items in either. A customer the model
 * has not scored is absent.
 */
export async function modelRecommendationsByCustomer(
  db: Database,
  manifest: Manifest,
  model: string,
  ids: readonly string[],
  count: number,
): Promise<Map<string, Array<Record<string, unknown>>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  if (ids.length === 0 || count <= 0) return out;
  const rows = await db.kysely
    .selectFrom('model_recommendations')
    .select(['customer_id', 'item_id', 'score'])
    .where('model', '=', model)
    .where('customer_id', 'in', [...ids])
    .orderBy('customer_id')
    .orderBy('rank')
    .execute();
  const items = await itemsById(db, manifest, [...new Set(rows.map((r) => String(r.item_id)))]);
  for (const r of rows) {
    const id = String(r.customer_id);
    const list = out.get(id) ?? [];
    const item = items.get(String(r.item_id));
    if (!item || list.length >= count) continue;
    list.push({ ...item, ...(r.score !== null && r.score !== undefined ? { score: Number(r.score) } : {}) });
    out.set(id, list);
  }
  return out;
}

/**
 * The popularity fallback for one customer, as templates get it when no model has scored them:
 * the most purchased items up to `asOf`, leaving out what the customer bought (for the model
 * endpoints of `herald serve`, which answer what a template would show).
 */
export async function popularRecommendationsFor(
  db: Database,
  manifest: Manifest,
  customerId: string,
  count: number,
  asOf: number,
  cache?: RenderInputCache,
): Promise<Array<Record<string, unknown>>> {
  const bought = (await purchasedItemsByCustomer(db, [customerId], asOf)).get(customerId) ?? new Set<string>();
  const events = [...bought].map((id) => ({ type: 'purchase', item_id: id, at: asOf }));
  return popularFromDatabase(db, manifest, count, asOf, events, cache);
}

/**
 * What rendering many customers from one database state can share: the popularity ranking (a
 * scan of every purchase) by instant. Create one per batch of renders, not per process: it does
 * not notice later loads.
 */
export interface RenderInputCache {
  /** By instant: the ranking's depth and the ranked ids. */
  popular: Map<number, { depth: number; ids: Promise<string[]> }>;
}

export function renderInputCache(): RenderInputCache {
  return { popular: new Map() };
}

/** How deep the shared ranking goes: enough for any template after leaving out what a customer bought. */
const POPULAR_DEPTH = 200;

/** The popularity fallback (runtime/render/popularity.ts's ranking) over purchases up to `asOf`. */
async function popularFromDatabase(
  db: Database,
  manifest: Manifest,
  count: number,
  asOf: number,
  events: ReadonlyArray<{ type: string; item_id?: unknown; at?: unknown }>,
  cache: RenderInputCache | undefined,
): Promise<Array<Record<string, unknown>>> {
  const bought = new Set(
    events.filter((e) => e.type === 'purchase' && e.item_id != null && Number(e.at) <= asOf).map((e) => String(e.item_id)),
  );
  const depth = Math.max(POPULAR_DEPTH, count + bought.size);
  let ranked: string[];
  if (cache) {
    let entry = cache.popular.get(asOf);
    // A customer who bought more than the ranking holds needs a deeper one (kept for the rest).
    if (!entry || entry.depth < depth) cache.popular.set(asOf, (entry = { depth, ids: popularItemIds(db, manifest, asOf, depth) }));
    ranked = await entry.ids;
  } else {
    ranked = await popularItemIds(db, manifest, asOf, count + bought.size);
  }
  const chosen = freshFirst(ranked, bought, count);
  const items = await itemsById(db, manifest, chosen);
  return chosen.map((id) => items.get(id)).filter((i): i is Record<string, unknown> => i !== undefined);
}

/** The `limit` most popular item ids up to `asOf`: by distinct buyers, then units, then id. */
export async function popularItemIds(db: Database, manifest: Manifest, asOf: number, limit: number): Promise<string[]> {
  const purchase = manifest.dataModel.events.purchase;
  if (!purchase || !purchase.item_id) return [];
  const rows = await db.kysely
    .selectFrom('events')
    .select((eb) => [
      'item_id',
      eb.fn.count('customer_id').distinct().as('buyers'),
      (purchase.quantity ? eb.fn.sum('quantity') : eb.fn.countAll()).as('units'),
    ])
    .where('type', '=', 'purchase')
    .where('at', '<=', asOf)
    .where('item_id', 'is not', null)
    .groupBy('item_id')
    .orderBy('buyers', 'desc')
    .orderBy('units', 'desc')
    .orderBy('item_id')
    .limit(limit)
    .execute();
  return rows.map((r) => String(r.item_id));
}

export async function itemsById(db: Database, manifest: Manifest, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (ids.length === 0) return out;
  const columns = ['id', ...Object.keys(manifest.dataModel.items.fields)];
  const rows = await db.kysely.selectFrom('items').select(columns).where('id', 'in', itemIdLookupKeys(ids)).execute();
  for (const row of rows) {
    const item: Record<string, unknown> = {};
    for (const c of columns) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      // Drivers return numeric columns as strings on PostgreSQL (bigint, numeric).
      item[c] = c !== 'id' && own(manifest.dataModel.items.fields, c)?.type === 'number' && typeof v === 'string' ? Number(v) : v;
    }
    // Under the stored id and its normal form: callers ask with either (ingest/coerce/item-id.ts).
    out.set(String(row.id), item);
    const normal = normalizeItemId(row.id);
    if (normal !== undefined && !out.has(normal)) out.set(normal, item);
  }
  return out;
}
