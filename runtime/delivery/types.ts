/**
 * The delivery contract: what the journey and campaign runtime hands to delivery, and what it reads
 * back. Journeys and campaigns decide *that* a message is due; delivery decides whether it may go
 * (consent, suppression, frequency cap, quiet hours, rate limits), renders it and hands it to a
 * transport, exactly once per idempotency key.
 *
 * The outbox is the only way a message leaves Herald. A send request is inserted in the same
 * transaction that moves the customer past the `send` step, so a crash either loses both or keeps
 * both; the idempotency key makes a second insert of the same send a no-op.
 */
import type { Executor } from '../db/database.ts';

/** Who asked for a send. `version` is the journey's or campaign's compiled version. */
export interface SendOrigin {
  kind: 'journey' | 'campaign';
  name: string;
  version: string;
  /** The journey step (`send` step name); for a campaign, absent. */
  step?: string;
  /** The experiment variant the customer was assigned, when the send follows a split. */
  variant?: string;
  /** The experiment name of that split. */
  experiment?: string;
}

export interface SendRequest {
  /**
   * Deterministic: the same journey, version, customer, entry and step (or campaign, version,
   * customer) always give the same key. Build it with `sendKey` (runtime/delivery/keys.ts).
   */
  idempotencyKey: string;
  origin: SendOrigin;
  customerId: string;
  /** The journey entry id; absent for campaigns. */
  entryId?: string;
  /** The Template's name. */
  template: string;
  /** Epoch milliseconds: not delivered before this instant. */
  dueAt: number;
  /** A per-origin limit (journey `rate_limit`, campaign `throttle`): at most this many sends per hour. */
  perHourLimit?: number;
  /** Overrides the workspace's quiet-hours action for this send. */
  quietHours?: 'delay' | 'skip';
  /**
   * Epoch milliseconds: a send that a quiet-hours delay or a rate limit would push past this
   * instant is suppressed (`quiet_hours` / `rate_limit`) instead of going late. Absent: no limit.
   */
  expiresAt?: number;
  /** The render context's `journey` block (name, step, entry event and items). */
  journey?: {
    name: string;
    step: string;
    entry?: { event?: string; at?: string; properties?: Record<string, unknown>; items?: Array<Record<string, unknown>> };
  };
}

/** What became of a send. `queued`: waiting (also after a quiet-hours delay or a retryable failure). */
export type SendStatus = 'queued' | 'sending' | 'sent' | 'suppressed' | 'failed';

/** Why a send was suppressed (recorded with the send; `herald report` and `Test` expectations read it). */
export type SuppressionReason =
  | 'no_consent'
  | 'suppressed' // on the suppression list (unsubscribed, bounced, complained, or added by hand)
  | 'frequency_cap'
  | 'quiet_hours' // quiet hours with action `skip`
  | 'rate_limit' // only when a send could never go within its window; a rate limit normally delays
  | 'render_failed' // the customer's data could not fill the template (the reason says which value)
  | 'no_email'
  | 'holdout' // recorded by journeys/campaigns for experiment holdouts: nothing is sent
  | 'global_control'; // the workspace's global control group (delivery.global_control): nothing is sent

/** One outbox row as read back (reports, `Test` expectations, plan forecasts). */
export interface DeliveryRecord {
  idempotencyKey: string;
  origin: SendOrigin;
  customerId: string;
  entryId?: string;
  template: string;
  dueAt: number;
  status: SendStatus;
  /** When it was handed to the transport (status `sent`). */
  sentAt?: number;
  /** For `suppressed`: the reason code; for `failed`: the last transport error, plainly. */
  reason?: SuppressionReason | string;
  attempts: number;
  /** The RFC 5322 Message-ID, derived from the idempotency key. */
  messageId: string;
  /**
   * More about the outcome, never personal data: the renderer's reason for `render_failed`, the
   * last transport error of a send queued for a retry, the server's response for `sent`.
   */
  detail?: string;
  /** Epoch milliseconds: when a `queued` send may next be tried (after a delay or a retry). */
  nextAttemptAt?: number;
}

/** A rendered message ready for a transport. */
export interface OutgoingMessage {
  idempotencyKey: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The complete RFC 5322 message (headers, multipart body), as sent. */
  mime: string;
}

/** A transport hands messages on. `send` resolves when the message is accepted, or throws. */
export interface Transport {
  readonly name: string;
  /**
   * True when handing the same message over twice has the effect of handing it over once (the
   * file transport rewrites the same files). The worker may then record outcomes per batch
   * instead of per message; for other transports it records each send as soon as it is accepted.
   */
  readonly idempotent?: boolean;
  send(message: OutgoingMessage): Promise<{ accepted: true; response?: string }>;
  close?(): Promise<void>;
}

/** Raised by a transport when retrying cannot help (e.g. a permanent 5xx rejection). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The functions delivery offers the journey runtime (implemented in runtime/delivery/). */
export interface DeliveryApi {
  /**
   * Inserts send requests, keyed by idempotency key: a key already present is left as it is.
   * Runs on the caller's executor, so it joins the caller's transaction.
   */
  enqueue(db: Executor, requests: readonly SendRequest[]): Promise<{ inserted: number; existing: number }>;
  /** Records a send that will not happen (a holdout), so reports and tests see it. Idempotent by key. */
  recordSuppressed(db: Executor, request: SendRequest, reason: SuppressionReason): Promise<void>;
}
