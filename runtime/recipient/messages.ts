import type { Executor } from '../db/database.ts';
import { OUTBOX } from '../delivery/outbox.ts';

/**
 * The sent message a verified link token names: its outbox row. A token names a message by its
 * idempotency key; only a message that was really sent has links a recipient can use, and only
 * for `delivery.link_lifetime` after it went out.
 */
export interface SentMessage {
  key: string;
  messageId: string;
  customerId: string;
  template: string;
  /** The journey or campaign that sent it. */
  origin: string;
  originKind: string;
  variant: string | null;
  sentAt: number;
}

export type MessageLookup = { found: true; message: SentMessage } | { found: false; status: 404 | 410 };

export async function findSentMessage(db: Executor, key: string, now: number, lifetimeMs: number): Promise<MessageLookup> {
  const row = await db
    .selectFrom(OUTBOX)
    .select(['idempotency_key', 'message_id', 'customer_id', 'template', 'origin_name', 'origin_kind', 'variant', 'sent_at', 'status'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row || row.status !== 'sent' || row.sent_at == null) return { found: false, status: 404 };
  const sentAt = Number(row.sent_at);
  if (now > sentAt + lifetimeMs) return { found: false, status: 410 };
  return {
    found: true,
    message: {
      key,
      messageId: String(row.message_id),
      customerId: String(row.customer_id),
      template: String(row.template),
      origin: String(row.origin_name),
      originKind: String(row.origin_kind),
      variant: row.variant == null ? null : String(row.variant),
      sentAt,
    },
  };
}
