/**
 * Where entries come from, per slice of the run's clock: events of the entry type, new segment
 * memberships, and schedule occurrences. Each produces candidates in time order; `admit` decides.
 */
import type { CompiledEntry } from '../../../compiler/contract/journey.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { fieldValueType } from '../../../compiler/contract/core/rule-paths.ts';
import type { Executor } from '../../db/database.ts';
import type { EventRecord } from '../../eval/context.ts';
import { decode } from '../../segments/customer-context.ts';
import { chunks, eventDecoder } from '../customers.ts';
import type { JourneyRules } from '../rules.ts';
import { occurrencesIn } from '../times.ts';
import type { Candidate } from './admit.ts';
import { basketItem } from '../../render/cart.ts';
import { own, nameTable } from '../../../compiler/contract/core/own.ts';
import { ITEM_ID_PROPERTY, itemIdLookupKeys, normalizeItemId } from '../../ingest/coerce/item-id.ts';

const PAGE = 2000;

type EventEntry = Extract<CompiledEntry, { kind: 'event' }>;

/**
 * Entry events in (from, to], page by page in (at, id) order, as candidates: those the entry
 * `where` accepts, keyed by the `dedupe_key` (default: the event's id).
 */
export async function* eventCandidates(
  db: Executor,
  manifest: Manifest,
  rules: JourneyRules,
  entry: EventEntry,
  withItems: boolean,
  from: number,
  to: number,
): AsyncGenerator<Candidate[]> {
  const decodeEvent = eventDecoder(manifest);
  let after: { at: number; id: string } | undefined;
  for (;;) {
    let q = db.selectFrom('events').selectAll().where('type', '=', entry.event).where('at', '<=', to);
    q = after
      ? q.where((eb) => eb.or([eb('at', '>', after!.at), eb.and([eb('at', '=', after!.at), eb('id', '>', after!.id)])]))
      : q.where('at', '>', from);
    const rows = await q.orderBy('at').orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) return;
    const events = rows.map(decodeEvent);
    after = { at: events[events.length - 1]!.at, id: events[events.length - 1]!.id };
    const accepted = entry.where ? events.filter((e) => rules.eventHolds(entry.where!, e)) : events;
    const items = withItems
      ? await itemsById(
          db,
          manifest,
          accepted.map((e) => e[ITEM_ID_PROPERTY]),
        )
      : undefined;
    yield accepted.map((e) => ({
      customerId: String(e.customer_id),
      key: keyOf(rules, entry, e),
      at: e.at,
      context: contextOf(manifest, e, items),
    }));
    if (rows.length < PAGE) return;
  }
}

function keyOf(rules: JourneyRules, entry: EventEntry, e: EventRecord): string {
  if (!entry.dedupeKey) return `event:${e.id}`;
  const v = rules.eventValue(entry.dedupeKey, e);
  return `key:${v === null ? '' : String(v)}`;
}

function contextOf(manifest: Manifest, e: EventRecord, items: Map<string, Record<string, unknown>> | undefined): Candidate['context'] {
  const properties = nameTable<unknown>();
  for (const prop of Object.keys(own(manifest.dataModel.events, e.type) ?? {}))
    if (e[prop] !== null && e[prop] !== undefined) properties[prop] = e[prop];
  const context: Candidate['context'] = { event: e.type, at: new Date(e.at).toISOString(), properties };
  if (items) {
    // An item the catalogue lacks still shows what the event knows of it (id, price, name).
    const id = normalizeItemId(e[ITEM_ID_PROPERTY]);
    context.items =
      id === undefined
        ? []
        : [basketItem({ id, raw: id, ...(e.price != null ? { price: e.price } : {}), ...(e.name != null ? { name: e.name } : {}) }, items)];
  }
  return context;
}

/** Catalogue items by normalised id (ingest/coerce/item-id.ts). */
async function itemsById(db: Executor, manifest: Manifest, ids: unknown[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const fields = Object.entries(manifest.dataModel.items.fields).map(([name, f]) => [name, fieldValueType(f.type)] as const);
  for (const part of chunks(itemIdLookupKeys(ids))) {
    for (const row of await db.selectFrom('items').selectAll().where('id', 'in', part).execute()) {
      const item: Record<string, unknown> = { id: String(row.id) };
      for (const [name, type] of fields) item[name] = decode(row[name], type);
      const id = normalizeItemId(row.id) ?? String(row.id);
      if (!out.has(id)) out.set(id, item);
    }
  }
  return out;
}

/** Customers whose membership of `segment` began in (from, to], as candidates keyed by that instant. */
export async function segmentCandidates(db: Executor, segment: string, from: number, to: number): Promise<Candidate[]> {
  const rows = await db
    .selectFrom('segment_memberships')
    .select(['customer_id', 'entered_at'])
    .where('segment', '=', segment)
    .where('entered_at', '>', from)
    .where('entered_at', '<=', to)
    .orderBy('entered_at')
    .orderBy('customer_id')
    .execute();
  return rows.map((r) => {
    const at = Number(r.entered_at);
    return { customerId: String(r.customer_id), key: `segment:${at}`, at, context: { at: new Date(at).toISOString() } };
  });
}

/** Members of `segment` at instant `at` (memberships covering it), or every customer without a segment. */
export async function membersAt(db: Executor, segment: string | undefined, at: number): Promise<string[]> {
  if (segment === undefined) return (await db.selectFrom('customers').select('id').orderBy('id').execute()).map((r) => String(r.id));
  const rows = await db
    .selectFrom('segment_memberships')
    .select('customer_id')
    .distinct()
    .where('segment', '=', segment)
    .where('entered_at', '<=', at)
    .where((eb) => eb.or([eb('exited_at', 'is', null), eb('exited_at', '>', at)]))
    .orderBy('customer_id')
    .execute();
  return rows.map((r) => String(r.customer_id));
}

type ScheduleEntry = Extract<CompiledEntry, { kind: 'schedule' }>;

/** The schedule's occurrences in (from, to] not yet run. */
export async function scheduleOccurrences(
  db: Executor,
  journey: string,
  entry: ScheduleEntry,
  zone: string,
  from: number,
  to: number,
): Promise<number[]> {
  const occurrences = occurrencesIn(entry, zone, from, to);
  if (occurrences.length === 0) return [];
  const done = await db
    .selectFrom('journey_schedule_runs')
    .select('occurrence')
    .where('journey', '=', journey)
    .where('occurrence', 'in', occurrences)
    .execute();
  const ran = new Set(done.map((r) => Number(r.occurrence)));
  return occurrences.filter((o) => !ran.has(o));
}

export function scheduleCandidates(members: readonly string[], occurrence: number): Candidate[] {
  return members.map((customerId) => ({
    customerId,
    key: `schedule:${occurrence}`,
    at: occurrence,
    context: { at: new Date(occurrence).toISOString() },
  }));
}
