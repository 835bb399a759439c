import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';
import { traitTableName } from '../db/sync.ts';
import { traitsOf } from '../manifest.ts';
import { decode } from '../segments/customer-context.ts';
import { modelOutputsByCustomer, type CustomerModelOutputs } from '../models/store/customer-outputs.ts';

/**
 * The per-customer parts of the render context for a set of customers at once (one query per
 * kind of data), shared by rendering one customer and rendering a whole audience page by page.
 */

/** Open segment memberships at `asOf`, by customer, segment names sorted. */
export async function segmentsByCustomer(db: Database, ids: readonly string[], asOf: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db.kysely
    .selectFrom('segment_memberships')
    .select(['customer_id', 'segment'])
    .where('customer_id', 'in', [...ids])
    .where('entered_at', '<=', asOf)
    .where((eb) => eb.or([eb('exited_at', 'is', null), eb('exited_at', '>', asOf)]))
    .orderBy('segment')
    .execute();
  for (const r of rows) out.set(String(r.customer_id), [...(out.get(String(r.customer_id)) ?? []), String(r.segment)]);
  return out;
}

export type ScoresAndTiers = CustomerModelOutputs;

/** Each customer's score and tier per model, as `herald score` last wrote them. */
export function scoresByCustomer(db: Database, ids: readonly string[]): Promise<Map<string, ScoresAndTiers>> {
  return modelOutputsByCustomer(db.kysely, ids);
}

/** Trait values as last materialized: customer → trait → output → value. */
export async function traitsByCustomer(
  db: Database,
  manifest: Manifest,
  ids: readonly string[],
): Promise<Map<string, Record<string, Record<string, unknown>>>> {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  if (ids.length === 0) return out;
  for (const trait of traitsOf(manifest)) {
    const rows = await db.kysely
      .selectFrom(traitTableName(trait.name))
      .selectAll()
      .where('customer_id', 'in', [...ids])
      .execute();
    for (const row of rows) {
      const id = String(row.customer_id);
      const values = Object.fromEntries(trait.compiled.outputs.map((o) => [o.name, decode(row[o.name], o.type)]));
      out.set(id, { ...(out.get(id) ?? {}), [trait.name]: values });
    }
  }
  return out;
}

/** The items each customer bought up to `asOf`. */
export async function purchasedItemsByCustomer(db: Database, ids: readonly string[], asOf: number): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (ids.length === 0) return out;
  const rows = await db.kysely
    .selectFrom('events')
    .select(['customer_id', 'item_id'])
    .distinct()
    .where('type', '=', 'purchase')
    .where('customer_id', 'in', [...ids])
    .where('at', '<=', asOf)
    .where('item_id', 'is not', null)
    .execute();
  for (const r of rows) {
    const set = out.get(String(r.customer_id)) ?? new Set<string>();
    set.add(String(r.item_id));
    out.set(String(r.customer_id), set);
  }
  return out;
}
