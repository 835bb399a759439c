import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EngagementRecord } from '../delivery/engagement.ts';
import {
  bareMessageId,
  instant,
  isObject,
  SIGNATURE_TOLERANCE_MS,
  type ProviderRecords,
  type Verdict,
  type WebhookRequest,
} from './types.ts';

/**
 * Mailgun webhooks: a JSON object with `signature` (`timestamp`, `token`, `signature`: the hex
 * HMAC-SHA256 of timestamp + token under the webhook signing key) and `event-data` (`event`,
 * `timestamp` in seconds, `message.headers.message-id` without brackets, `severity` on failures,
 * `url` on clicks). A token is accepted once per process (replays within the time window).
 */
export function verifyMailgun(request: WebhookRequest, signingKey: string, seen: Set<string>): Verdict {
  let payload: unknown;
  try {
    payload = JSON.parse(request.body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON' };
  }
  const s = isObject(payload) ? payload.signature : undefined;
  if (!isObject(s) || typeof s.timestamp !== 'string' || typeof s.token !== 'string' || typeof s.signature !== 'string')
    return { ok: false, status: 401, reason: 'the request is not signed (no signature object)' };
  const at = instant(s.timestamp);
  if (at === undefined || Math.abs(request.now - at) > SIGNATURE_TOLERANCE_MS)
    return { ok: false, status: 401, reason: "the signature's timestamp is too far from now" };
  const expected = createHmac('sha256', signingKey)
    .update(s.timestamp + s.token)
    .digest();
  const given = Buffer.from(s.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, status: 401, reason: 'the signature does not match' };
  if (seen.has(s.token)) return { ok: false, status: 401, reason: 'the signature token was already used' };
  if (seen.size > 50_000) seen.clear();
  seen.add(s.token);
  return { ok: true };
}

const EVENTS: Record<string, EngagementRecord['event'] | undefined> = Object.assign(Object.create(null), {
  delivered: 'delivered',
  opened: 'opened',
  clicked: 'clicked',
  failed: 'bounced',
  complained: 'complained',
  unsubscribed: 'unsubscribed',
});

export function parseMailgun(payload: unknown): ProviderRecords {
  const out: ProviderRecords = { records: [], ignored: 0, problems: [] };
  const items = Array.isArray(payload) ? payload : [payload];
  items.forEach((item, i) => {
    const data = isObject(item) ? (isObject(item['event-data']) ? item['event-data'] : item) : undefined;
    if (!data || typeof data.event !== 'string') {
      out.problems.push(`event ${i + 1}: not a Mailgun event`);
      return;
    }
    const event = EVENTS[data.event];
    if (!event) {
      out.ignored++;
      return;
    }
    const message = isObject(data.message) ? data.message : {};
    const headers = isObject(message.headers) ? message.headers : {};
    const messageId = bareMessageId(headers['message-id']);
    const at = instant(data.timestamp);
    if (!messageId || at === undefined) {
      out.problems.push(`event ${i + 1} (${data.event}): no message-id or timestamp`);
      return;
    }
    const record: EngagementRecord = { event, messageId, at };
    if (event === 'clicked' && typeof data.url === 'string') record.url = data.url;
    if (event === 'bounced') record.bounceType = data.severity === 'temporary' ? 'soft' : 'hard';
    out.records.push(record);
  });
  return out;
}
