import { timingSafeEqual } from 'node:crypto';
import type { EngagementRecord } from '../delivery/engagement.ts';
import { POSTMARK_METADATA_KEY } from '../delivery/provider-headers.ts';
import { bareMessageId, header, instant, isObject, type ProviderRecords, type Verdict, type WebhookRequest } from './types.ts';

/**
 * Postmark webhooks: one JSON object per request with `RecordType` (Delivery, Bounce,
 * SpamComplaint, Open, Click, SubscriptionChange). Postmark names messages by its own MessageID,
 * so Herald reads the Message-ID it sent from the message's metadata (`Metadata.message_id`,
 * which Postmark echoes from the `X-PM-Metadata-message_id` header delivery adds on the Postmark
 * path: runtime/delivery/provider-headers.ts). Postmark does not sign
 * webhooks: the URL is protected by HTTP basic auth (credentials in the environment), compared
 * in constant time.
 */
export function verifyPostmark(request: WebhookRequest, user: string, pass: string): Verdict {
  const auth = header(request.headers, 'authorization');
  if (!auth || !/^Basic /i.test(auth)) return { ok: false, status: 401, reason: 'no basic auth credentials' };
  const given = Buffer.from(auth.slice(6).trim(), 'base64');
  const expected = Buffer.from(`${user}:${pass}`, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, reason: 'wrong credentials' };
  return { ok: true };
}

const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Blocked', 'DMARCPolicy']);

export function parsePostmark(payload: unknown): ProviderRecords {
  const out: ProviderRecords = { records: [], ignored: 0, problems: [] };
  const items = Array.isArray(payload) ? payload : [payload];
  items.forEach((e, i) => {
    if (!isObject(e) || typeof e.RecordType !== 'string') {
      out.problems.push(`record ${i + 1}: not a Postmark webhook record (no RecordType)`);
      return;
    }
    const metadata = isObject(e.Metadata) ? e.Metadata : {};
    const messageId = bareMessageId(metadata[POSTMARK_METADATA_KEY]);
    const mapped = map(e);
    if (!mapped) {
      out.ignored++;
      return;
    }
    const at = instant(mapped.at);
    if (!messageId || at === undefined) {
      out.problems.push(`record ${i + 1} (${e.RecordType}): no Metadata.message_id or time`);
      return;
    }
    out.records.push({ ...mapped.record, messageId, at });
  });
  return out;
}

function map(e: Record<string, unknown>): { record: Omit<EngagementRecord, 'messageId' | 'at'>; at: unknown } | undefined {
  switch (e.RecordType) {
    case 'Delivery':
      return { record: { event: 'delivered' }, at: e.DeliveredAt };
    case 'Bounce':
      if (e.Type === 'Transient' || e.Type === 'SoftBounce' || e.Type === 'DnsError' || e.Type === 'AutoResponder')
        return { record: { event: 'bounced', bounceType: 'soft' }, at: e.BouncedAt };
      return { record: { event: 'bounced', bounceType: HARD.has(String(e.Type)) ? 'hard' : 'soft' }, at: e.BouncedAt };
    case 'SpamComplaint':
      return { record: { event: 'complained' }, at: e.BouncedAt };
    case 'Open':
      return { record: { event: 'opened' }, at: e.ReceivedAt };
    case 'Click':
      return { record: { event: 'clicked', ...(typeof e.OriginalLink === 'string' ? { url: e.OriginalLink } : {}) }, at: e.ReceivedAt };
    case 'SubscriptionChange':
      return e.SuppressSending === true ? { record: { event: 'unsubscribed' }, at: e.ChangedAt } : undefined;
    default:
      return undefined;
  }
}
