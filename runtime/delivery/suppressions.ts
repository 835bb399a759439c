import type { Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { SUPPRESSING_EMAIL_EVENTS } from '../../compiler/contract/email-events.ts';
import { LIFTED_REASON, SUPPRESSIONS_TABLE } from '../../compiler/contract/subscriptions.ts';

/**
 * The suppression list: customers who may not be emailed from an instant on. It has two sources,
 * read together at send time: rows of `delivery_suppressions` (added by engagement ingestion, an
 * unsubscribe handler, or by hand) and the engagement events themselves (`email_unsubscribed`,
 * `email_complained`, hard `email_bounced`), so events loaded by any Source suppress as well.
 * Checked when a send goes out, never when it is queued: an unsubscribe stops sends already queued.
 */
export const SUPPRESSIONS = SUPPRESSIONS_TABLE;

export type SuppressionListReason = 'unsubscribed' | 'bounced' | 'complained' | 'manual';

/** Which list reasons also stop transactional email (an unsubscribe is from marketing only). */
export const STOPS_TRANSACTIONAL: ReadonlySet<SuppressionListReason> = new Set(['bounced', 'complained', 'manual']);

const EVENT_REASON: Record<(typeof SUPPRESSING_EMAIL_EVENTS)[number], SuppressionListReason> = {
  email_unsubscribed: 'unsubscribed',
  email_complained: 'complained',
  email_bounced: 'bounced',
};

export interface Suppression {
  customerId: string;
  reason: SuppressionListReason;
  /** From when it applies (epoch ms). */
  at: number;
  /** What caused it: a Message-ID, `event`, or a note. */
  source?: string;
}

/** Adds a customer to the list (the first entry per reason wins: its instant is kept). */
export async function addSuppression(db: Executor, s: Suppression): Promise<void> {
  await db
    .insertInto(SUPPRESSIONS)
    .values({ customer_id: s.customerId, reason: s.reason, at: s.at, source: s.source ?? null })
    .onConflict((oc) => oc.columns(['customer_id', 'reason']).doNothing())
    .execute();
}

/**
 * Takes a customer off the list from `at` on (a re-subscription): their list rows go, and
 * engagement events up to `at` stop counting (they stay in the events table as history).
 */
export async function removeSuppression(db: Executor, customerId: string, at: number): Promise<void> {
  await db.deleteFrom(SUPPRESSIONS).where('customer_id', '=', customerId).execute();
  await db.insertInto(SUPPRESSIONS).values({ customer_id: customerId, reason: LIFTED, at, source: null }).execute();
}

/** The list row that records a re-subscription: events before its instant no longer suppress. */
export const LIFTED = LIFTED_REASON;

/**
 * Every suppression in force at `asOf` for the given customers (all customers when omitted),
 * from both sources, earliest first per customer.
 */
export async function suppressionsAt(
  db: Executor,
  manifest: Manifest,
  asOf: number,
  customerIds?: readonly string[],
): Promise<Map<string, Suppression[]>> {
  const out = new Map<string, Suppression[]>();
  const liftedAt = new Map<string, number>();
  const add = (s: Suppression) => {
    const list = out.get(s.customerId) ?? [];
    list.push(s);
    out.set(s.customerId, list);
  };
  if (customerIds && customerIds.length === 0) return out;
  let listed = db.selectFrom(SUPPRESSIONS).selectAll().where('at', '<=', asOf);
  if (customerIds) listed = listed.where('customer_id', 'in', [...customerIds]);
  for (const r of await listed.execute()) {
    if (r.reason === LIFTED) liftedAt.set(String(r.customer_id), Number(r.at));
    else
      add({
        customerId: String(r.customer_id),
        reason: r.reason as SuppressionListReason,
        at: Number(r.at),
        ...(r.source != null ? { source: String(r.source) } : {}),
      });
  }
  const types = SUPPRESSING_EMAIL_EVENTS.filter((t) => own(manifest.dataModel.events, t) !== undefined);
  if (types.length > 0) {
    const softAware = manifest.dataModel.events.email_bounced?.bounce_type !== undefined;
    let q = db
      .selectFrom('events')
      .select((eb) => ['customer_id', 'type', eb.fn.max('at').as('at')])
      .where('type', 'in', types)
      .where('at', '<=', asOf);
    if (softAware)
      q = q.where((eb) => eb.or([eb('type', '!=', 'email_bounced'), eb('bounce_type', 'is', null), eb('bounce_type', '!=', 'soft')]));
    // Leaving one subscription topic is an unsubscribe from that topic only (the gates read it).
    if (manifest.dataModel.events.email_unsubscribed?.topic !== undefined)
      q = q.where((eb) => eb.or([eb('type', '!=', 'email_unsubscribed'), eb('topic', 'is', null)]));
    if (customerIds) q = q.where('customer_id', 'in', [...customerIds]);
    for (const r of await q.groupBy(['customer_id', 'type']).execute()) {
      const customerId = String(r.customer_id);
      const at = Number(r.at);
      if (at <= (liftedAt.get(customerId) ?? -Infinity)) continue;
      add({ customerId, reason: EVENT_REASON[r.type as keyof typeof EVENT_REASON], at, source: 'event' });
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}
