import type { Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { decode } from '../segments/customer-context.ts';
import { fieldValueType } from '../../compiler/contract/core/rule-paths.ts';
import { localDayBounds, zoneOr } from './local-time.ts';
import { OUTBOX } from './outbox.ts';
import type { DeliverySettings } from './settings.ts';
import { suppressionsAt, type Suppression } from './suppressions.ts';
import { TOPIC_OPTOUTS_TABLE } from '../../compiler/contract/subscriptions.ts';

/** Subscription topics customers left (migration 007). */
export const TOPIC_OPTOUTS = TOPIC_OPTOUTS_TABLE;

/**
 * What the gates need for one batch of claimed sends, read in a handful of queries: the
 * customers' rows (kept for rendering too), their suppressions, their sends on their local day,
 * and each origin's sends in the last hour. Runs inside the claim transaction, so on PostgreSQL
 * (where the claimer holds advisory locks on these customers and origins) no other worker can
 * decide a send for them until it commits.
 */
export interface BatchState {
  /** Customer rows by id, decoded to evaluator values (booleans, numbers). */
  customers: Map<string, Record<string, unknown>>;
  suppressions: Map<string, Suppression[]>;
  /** Per customer: the subscription topics left (runtime/recipient/topics.ts). */
  topicOptOuts: Map<string, Array<{ topic: string; at: number }>>;
  /** Per customer: the instants of sends made or decided (outside this batch) around `now`. */
  customerSends: Map<string, number[]>;
  /** Per origin (`kind/name`): the instants of sends in `(now - 1h, now]` outside this batch, ascending. */
  originSends: Map<string, number[]>;
}

export interface BatchRow {
  key: string;
  customerId: string;
  originKey: string;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

export function originKeyOf(kind: string, name: string): string {
  return `${kind}/${name}`;
}

export async function loadBatchState(
  db: Executor,
  manifest: Manifest,
  settings: DeliverySettings,
  rows: readonly BatchRow[],
  now: number,
): Promise<BatchState> {
  const ids = [...new Set(rows.map((r) => r.customerId))];
  const keys = rows.map((r) => r.key);
  const state: BatchState = {
    customers: new Map(),
    suppressions: new Map(),
    topicOptOuts: new Map(),
    customerSends: new Map(),
    originSends: new Map(),
  };
  if (ids.length === 0) return state;

  const fields = manifest.dataModel.customers.fields;
  for (const row of await db.selectFrom('customers').selectAll().where('id', 'in', ids).execute()) {
    const customer: Record<string, unknown> = { id: String(row.id) };
    for (const [name, f] of Object.entries(fields)) customer[name] = decode(row[name], fieldValueType(f.type));
    state.customers.set(String(row.id), customer);
  }
  state.suppressions = await suppressionsAt(db, manifest, now, ids);
  for (const o of await db.selectFrom(TOPIC_OPTOUTS).select(['customer_id', 'topic', 'at']).where('customer_id', 'in', ids).execute()) {
    const list = state.topicOptOuts.get(String(o.customer_id)) ?? [];
    list.push({ topic: String(o.topic), at: Number(o.at) });
    state.topicOptOuts.set(String(o.customer_id), list);
  }

  // A local day is at most 26 hours from any instant in it: one query covers every customer's day.
  const sends = await db
    .selectFrom(OUTBOX)
    .select(['customer_id', 'sent_at'])
    .where('customer_id', 'in', ids)
    .where('status', 'in', ['sent', 'sending'])
    .where('sent_at', '>=', now - DAY - 2 * HOUR)
    .where('sent_at', '<', now + DAY + 2 * HOUR)
    .where('idempotency_key', 'not in', keys)
    .execute();
  for (const s of sends) push(state.customerSends, String(s.customer_id), Number(s.sent_at));

  const origins = [...new Set(rows.map((r) => r.originKey))];
  for (const origin of origins) {
    const [kind, ...rest] = origin.split('/');
    const recent = await db
      .selectFrom(OUTBOX)
      .select('sent_at')
      .where('origin_kind', '=', kind!)
      .where('origin_name', '=', rest.join('/'))
      .where('status', 'in', ['sent', 'sending'])
      .where('sent_at', '>', now - HOUR)
      .where('sent_at', '<=', now)
      .where('idempotency_key', 'not in', keys)
      .orderBy('sent_at')
      .execute();
    state.originSends.set(
      origin,
      recent.map((r) => Number(r.sent_at)),
    );
  }
  return state;
}

/** The customer's zone for quiet hours and the frequency cap: their `timezone` field, else the workspace's. */
export function customerZone(customer: Record<string, unknown> | undefined, settings: DeliverySettings): string {
  return zoneOr(customer?.timezone, settings.timeZone);
}

/** How many of a customer's send instants fall on the local day of `now`. */
export function sendsOnLocalDay(instants: readonly number[] | undefined, now: number, timeZone: string): number {
  if (!instants || instants.length === 0) return 0;
  const [start, end] = localDayBounds(now, timeZone);
  let n = 0;
  for (const t of instants) if (t >= start && t < end) n++;
  return n;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
