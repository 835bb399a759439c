import type { Database, Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { EmailEventType } from '../../compiler/contract/email-events.ts';
import { addSuppression, LIFTED, SUPPRESSIONS } from '../delivery/suppressions.ts';
import { TOPIC_OPTOUTS } from '../delivery/gate-state.ts';
import { own } from '../../compiler/contract/core/own.ts';
import type { SentMessage } from './messages.ts';

/**
 * What a recipient's action changes, in one transaction each: an engagement event with the
 * message's template, journey and variant (as `herald engagement` records imported ones), and
 * for unsubscribes the suppression list or the topic opt-outs that delivery's gates read when a
 * send goes out, so sends already queued are stopped too. Event ids are derived from the message
 * and the action, so a replayed request (a second one-click POST, a reload) changes nothing.
 */
export interface ActionOutcome {
  /** False when the action had already been recorded (a replay). */
  changed: boolean;
}

/** Stores an email event of the message unless one with the same id exists; true when stored. */
export async function recordMessageEvent(
  trx: Executor,
  manifest: Manifest,
  message: SentMessage,
  type: EmailEventType,
  id: string,
  at: number,
  extra: Record<string, unknown> = {},
  dialect: Database['dialect'] = 'sqlite',
): Promise<boolean> {
  const declared = own(manifest.dataModel.events, type);
  if (!declared) return false;
  const props: Record<string, unknown> = {
    message_id: message.messageId,
    template: message.template,
    journey: message.origin,
    variant: message.variant,
    ...extra,
  };
  const event: Record<string, unknown> = { id, customer_id: message.customerId, type, at, source: 'recipient' };
  for (const [prop, value] of Object.entries(props)) {
    if (!own(declared, prop) || value === undefined) continue;
    event[prop] = typeof value === 'boolean' && dialect === 'sqlite' ? (value ? 1 : 0) : value;
  }
  const inserted = await trx
    .insertInto('events')
    .values(event)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Leaves all marketing email (one-click, the unsubscribe page, or "all" on the preferences page). */
export async function unsubscribeAll(db: Database, manifest: Manifest, message: SentMessage, at: number): Promise<ActionOutcome> {
  return db.transaction(async (trx) => {
    const listed = await isUnsubscribed(trx, message.customerId);
    if (listed) return { changed: false };
    await recordMessageEvent(trx, manifest, message, 'email_unsubscribed', `email_unsubscribed:${message.key}:${at}`, at, {}, db.dialect);
    await addSuppression(trx, { customerId: message.customerId, reason: 'unsubscribed', at, source: message.messageId });
    return { changed: true };
  });
}

/**
 * Undoes an unsubscribe (the undo button, or "all email" ticked again): the `unsubscribed` list row
 * goes and a lift from `at` makes earlier unsubscribe events stop counting. Bounces and complaints
 * stay on the list.
 */
export async function resubscribeAll(db: Database, manifest: Manifest, message: SentMessage, at: number): Promise<ActionOutcome> {
  return db.transaction(async (trx) => {
    const listed = await isUnsubscribed(trx, message.customerId);
    if (!listed) return { changed: false };
    await trx
      .deleteFrom(SUPPRESSIONS)
      .where('customer_id', '=', message.customerId)
      .where('reason', 'in', ['unsubscribed', LIFTED])
      .execute();
    await trx.insertInto(SUPPRESSIONS).values({ customer_id: message.customerId, reason: LIFTED, at, source: message.messageId }).execute();
    await recordMessageEvent(trx, manifest, message, 'email_resubscribed', `email_resubscribed:${message.key}:${at}`, at, {}, db.dialect);
    return { changed: true };
  });
}

/** Whether the customer is unsubscribed from all marketing email now (list row, not lifted). */
export async function isUnsubscribed(db: Executor, customerId: string): Promise<boolean> {
  const row = await db
    .selectFrom(SUPPRESSIONS)
    .select('at')
    .where('customer_id', '=', customerId)
    .where('reason', '=', 'unsubscribed')
    .executeTakeFirst();
  return row !== undefined;
}

/** The topics a customer left. */
export async function topicsLeft(db: Executor, customerId: string): Promise<Set<string>> {
  const rows = await db.selectFrom(TOPIC_OPTOUTS).select('topic').where('customer_id', '=', customerId).execute();
  return new Set(rows.map((r) => String(r.topic)));
}

/** Sets which declared topics the customer receives: leaves and joins as needed; returns how many changed. */
export async function setTopics(
  db: Database,
  manifest: Manifest,
  message: SentMessage,
  wanted: ReadonlySet<string>,
  declared: readonly string[],
  at: number,
): Promise<number> {
  return db.transaction(async (trx) => {
    const left = await topicsLeft(trx, message.customerId);
    let changed = 0;
    for (const topic of declared) {
      const wants = wanted.has(topic);
      if (!wants && !left.has(topic)) {
        await trx
          .insertInto(TOPIC_OPTOUTS)
          .values({ customer_id: message.customerId, topic, at, source: message.messageId })
          .onConflict((oc) => oc.columns(['customer_id', 'topic']).doNothing())
          .execute();
        await recordMessageEvent(
          trx,
          manifest,
          message,
          'email_unsubscribed',
          `email_unsubscribed:${message.key}:${topic}:${at}`,
          at,
          { topic },
          db.dialect,
        );
        changed++;
      } else if (wants && left.has(topic)) {
        await trx.deleteFrom(TOPIC_OPTOUTS).where('customer_id', '=', message.customerId).where('topic', '=', topic).execute();
        await recordMessageEvent(
          trx,
          manifest,
          message,
          'email_resubscribed',
          `email_resubscribed:${message.key}:${topic}:${at}`,
          at,
          { topic },
          db.dialect,
        );
        changed++;
      }
    }
    return changed;
  });
}
