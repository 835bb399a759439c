/**
 * Customer data for a batch of entries, loaded in a few queries (not one per customer): fields,
 * the events the journey's rules read (up to the run's horizon), trait values, model scores and
 * subscription rows.
 * Values are decoded to what the rule evaluator expects.
 */
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { fieldValueType } from '../../compiler/contract/core/rule-paths.ts';
import type { Executor } from '../db/database.ts';
import { traitTableName } from '../db/sync.ts';
import type { EventRecord } from '../eval/context.ts';
import { traitsOf } from '../manifest.ts';
import { nameTable } from '../../compiler/contract/core/own.ts';
import { decode } from '../segments/customer-context.ts';
import { subscriptionRowsByCustomer } from '../recipient/subscriptions.ts';
import type { SubscriptionRows } from '../../compiler/contract/subscriptions.ts';

export interface CustomerData {
  id: string;
  /** The customer's row, decoded (`id` included). Updated in place by `update` steps. */
  fields: Record<string, unknown>;
  /** Events read by the rules, sorted by (at, id). */
  events: EventRecord[];
  /** The same events by type (the evaluator's cache, shared by every evaluation of this customer). */
  byType: Map<string, EventRecord[]>;
  traits: Record<string, Record<string, unknown> | undefined>;
  scores: Record<string, number | null>;
  tiers: Record<string, string | null>;
  /** For `subscribed("topic")`, when a rule reads subscriptions. */
  subscriptions?: SubscriptionRows;
}

/** What a batch needs loaded. `events: 'all'` when a rule reads segments (their rules may read anything). */
export interface DataNeeds {
  events: 'all' | ReadonlySet<string>;
  /** How far back before an evaluation events are read (null: all of them); see CompiledJourneyRule. */
  lookbackMs: number | null;
  /** Events since the entry are read (`within since_entry`). */
  sinceEntry: boolean;
  traits: boolean;
  models: boolean;
  /** The subscription rows (`subscribed("topic")`). */
  subscriptions?: boolean;
}

/** No data beyond the customer's row. */
export const NO_NEEDS: DataNeeds = { events: new Set(), lookbackMs: 0, sinceEntry: false, traits: false, models: false };

const CHUNK = 500;

/**
 * Loads the customers `ids`, with their events of the needed types from `since` (inclusive; the
 * earliest instant any rule of the batch can look back to) up to `horizon`.
 */
export async function loadCustomers(
  db: Executor,
  manifest: Manifest,
  ids: readonly string[],
  needs: DataNeeds,
  horizon: number,
  since = -Infinity,
): Promise<Map<string, CustomerData>> {
  const out = new Map<string, CustomerData>();
  const unique = [...new Set(ids)];
  const fields = Object.entries(manifest.dataModel.customers.fields).map(([name, f]) => [name, fieldValueType(f.type)] as const);
  for (const part of chunks(unique)) {
    const rows = await db.selectFrom('customers').selectAll().where('id', 'in', part).execute();
    for (const row of rows) {
      const decoded = nameTable<unknown>();
      decoded.id = String(row.id);
      for (const [name, type] of fields) decoded[name] = decode(row[name], type);
      out.set(String(row.id), {
        id: String(row.id),
        fields: decoded,
        events: [],
        byType: new Map(),
        traits: nameTable(),
        scores: nameTable(),
        tiers: nameTable(),
      });
    }
  }
  const wanted = needs.events === 'all' ? undefined : [...needs.events];
  if (wanted === undefined || wanted.length > 0) await loadEvents(db, manifest, out, wanted, since, horizon);
  if (needs.traits) await loadTraits(db, manifest, out);
  if (needs.models) await loadScores(db, out);
  if (needs.subscriptions)
    for (const [id, rows] of await subscriptionRowsByCustomer(db, [...out.keys()])) out.get(id)!.subscriptions = rows;
  return out;
}

async function loadEvents(
  db: Executor,
  manifest: Manifest,
  out: Map<string, CustomerData>,
  types: string[] | undefined,
  since: number,
  horizon: number,
): Promise<void> {
  const decodeEvent = eventDecoder(manifest);
  for (const part of chunks([...out.keys()])) {
    let q = db.selectFrom('events').selectAll().where('customer_id', 'in', part).where('at', '<=', horizon);
    if (Number.isFinite(since)) q = q.where('at', '>=', since);
    if (types) q = q.where('type', 'in', types);
    // Sorted here, not in SQL: an ORDER BY at would tempt the planner into the (type, at) index,
    // scanning every event of the type instead of these customers' few.
    const rows = (await q.execute()).sort(
      (a, b) => Number(a.at) - Number(b.at) || (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0),
    );
    for (const r of rows) {
      const customer = out.get(String(r.customer_id));
      if (!customer) continue;
      const event = decodeEvent(r);
      customer.events.push(event);
      const list = customer.byType.get(event.type);
      if (list) list.push(event);
      else customer.byType.set(event.type, [event]);
    }
  }
}

/** Events table rows to evaluator records: the event type's declared properties, decoded. */
export function eventDecoder(manifest: Manifest): (row: Record<string, unknown>) => EventRecord {
  const propertyTypes = new Map<string, Array<[string, string]>>();
  for (const [type, props] of Object.entries(manifest.dataModel.events)) {
    propertyTypes.set(
      type,
      Object.entries(props).map(([prop, f]) => [prop, fieldValueType(f.type)]),
    );
  }
  return (r) => {
    const event: EventRecord = { id: String(r.id), type: String(r.type), at: Number(r.at), customer_id: String(r.customer_id) };
    for (const [prop, type] of propertyTypes.get(event.type) ?? []) event[prop] = decode(r[prop], type);
    return event;
  };
}

async function loadTraits(db: Executor, manifest: Manifest, out: Map<string, CustomerData>): Promise<void> {
  for (const trait of traitsOf(manifest)) {
    for (const part of chunks([...out.keys()])) {
      const rows = await db.selectFrom(traitTableName(trait.name)).selectAll().where('customer_id', 'in', part).execute();
      for (const row of rows) {
        const customer = out.get(String(row.customer_id));
        if (customer)
          customer.traits[trait.name] = Object.fromEntries(trait.compiled.outputs.map((o) => [o.name, decode(row[o.name], o.type)]));
      }
    }
  }
}

async function loadScores(db: Executor, out: Map<string, CustomerData>): Promise<void> {
  for (const part of chunks([...out.keys()])) {
    const rows = await db
      .selectFrom('model_scores')
      .select(['model', 'customer_id', 'score', 'tier'])
      .where('customer_id', 'in', part)
      .execute();
    for (const row of rows) {
      const customer = out.get(String(row.customer_id));
      if (!customer) continue;
      customer.scores[String(row.model)] = row.score === null ? null : Number(row.score);
      customer.tiers[String(row.model)] = row.tier === null ? null : String(row.tier);
    }
  }
}

export function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}
