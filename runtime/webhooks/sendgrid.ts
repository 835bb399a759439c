import { createPublicKey, createVerify } from 'node:crypto';
import type { EngagementRecord } from '../delivery/engagement.ts';
import {
  bareMessageId,
  header,
  instant,
  isObject,
  SIGNATURE_TOLERANCE_MS,
  type ProviderRecords,
  type Verdict,
  type WebhookRequest,
} from './types.ts';

/**
 * SendGrid's Event Webhook: a JSON array of events (`event`, `timestamp` in seconds, `smtp-id`:
 * the Message-ID the message was sent with, `url` on clicks, `type` on bounces). Signed Event
 * Webhook requests carry an ECDSA (P-256, SHA-256) signature of the timestamp header followed by
 * the raw body, checked with the public key SendGrid shows (base64 DER, from the environment).
 */
export const SENDGRID_SIGNATURE = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

export function verifySendgrid(request: WebhookRequest, publicKeyBase64: string): Verdict {
  const signature = header(request.headers, SENDGRID_SIGNATURE);
  const timestamp = header(request.headers, SENDGRID_TIMESTAMP);
  if (!signature || !timestamp) return { ok: false, status: 401, reason: 'the request is not signed (no Event Webhook signature headers)' };
  const at = instant(timestamp);
  if (at === undefined || Math.abs(request.now - at) > SIGNATURE_TOLERANCE_MS)
    return { ok: false, status: 401, reason: "the signature's timestamp is missing or too far from now" };
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    const verifier = createVerify('sha256');
    verifier.update(timestamp);
    verifier.update(request.body);
    if (verifier.verify(key, Buffer.from(signature, 'base64'))) return { ok: true };
  } catch {
    return { ok: false, status: 401, reason: 'the signature could not be checked' };
  }
  return { ok: false, status: 401, reason: 'the signature does not match' };
}

const EVENTS: Record<string, EngagementRecord['event'] | undefined> = Object.assign(Object.create(null), {
  delivered: 'delivered',
  open: 'opened',
  click: 'clicked',
  bounce: 'bounced',
  dropped: undefined,
  spamreport: 'complained',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
});

export function parseSendgrid(payload: unknown): ProviderRecords {
  const out: ProviderRecords = { records: [], ignored: 0, problems: [] };
  const events = Array.isArray(payload) ? payload : [payload];
  events.forEach((e, i) => {
    if (!isObject(e) || typeof e.event !== 'string') {
      out.problems.push(`event ${i + 1}: not a SendGrid event object`);
      return;
    }
    const event = EVENTS[e.event];
    if (!event) {
      out.ignored++;
      return;
    }
    const messageId = bareMessageId(e['smtp-id']);
    const at = instant(e.timestamp);
    if (!messageId || at === undefined) {
      out.problems.push(`event ${i + 1} (${e.event}): no smtp-id or timestamp`);
      return;
    }
    const record: EngagementRecord = { event, messageId, at };
    if (event === 'clicked' && typeof e.url === 'string') record.url = e.url;
    // `bounce` is a hard bounce; `blocked` a temporary refusal.
    if (event === 'bounced') record.bounceType = e.type === 'blocked' ? 'soft' : 'hard';
    out.records.push(record);
  });
  return out;
}
