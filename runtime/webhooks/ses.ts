import type { EngagementRecord } from '../delivery/engagement.ts';
import { bareMessageId, instant, isObject, type ProviderRecords } from './types.ts';

/**
 * Amazon SES notifications (SNS notifications with `notificationType`) and event publishing
 * records (`eventType`): Delivery, Bounce (Permanent: hard; Transient, Undetermined: soft),
 * Complaint, Open, Click, Subscription. The Message-ID Herald sent is read from
 * `mail.commonHeaders.messageId`, else from `mail.headers` (SES's own `mail.messageId` is not it).
 * Accepts SNS envelopes (the SES record as the `Message` text) and bare SES records.
 */
export function parseSes(payload: unknown): ProviderRecords {
  const out: ProviderRecords = { records: [], ignored: 0, problems: [] };
  const items = Array.isArray(payload) ? payload : [payload];
  items.forEach((item, i) => {
    let record: unknown = item;
    if (isObject(item) && item.Type === 'Notification' && typeof item.Message === 'string') {
      try {
        record = JSON.parse(item.Message);
      } catch {
        out.problems.push(`record ${i + 1}: the SNS Message is not JSON`);
        return;
      }
    } else if (isObject(item) && (item.Type === 'SubscriptionConfirmation' || item.Type === 'UnsubscribeConfirmation')) {
      out.ignored++;
      return;
    }
    if (!isObject(record)) {
      out.problems.push(`record ${i + 1}: not an SES notification`);
      return;
    }
    const type = typeof record.eventType === 'string' ? record.eventType : record.notificationType;
    if (typeof type !== 'string') {
      out.problems.push(`record ${i + 1}: no notificationType or eventType`);
      return;
    }
    const messageId = messageIdOf(record.mail);
    const mapped = map(type, record);
    if (!mapped) {
      out.ignored++;
      return;
    }
    const at = instant(mapped.at) ?? instant(isObject(record.mail) ? record.mail.timestamp : undefined);
    if (!messageId || at === undefined) {
      out.problems.push(`record ${i + 1} (${type}): no original Message-ID header or time`);
      return;
    }
    out.records.push({ ...mapped.record, messageId, at });
  });
  return out;
}

function messageIdOf(mail: unknown): string | undefined {
  if (!isObject(mail)) return undefined;
  const common = isObject(mail.commonHeaders) ? mail.commonHeaders : {};
  if (typeof common.messageId === 'string') return bareMessageId(common.messageId);
  if (Array.isArray(mail.headers)) {
    const h = mail.headers.find((x) => isObject(x) && typeof x.name === 'string' && x.name.toLowerCase() === 'message-id');
    if (isObject(h)) return bareMessageId(h.value);
  }
  return undefined;
}

function map(type: string, r: Record<string, unknown>): { record: Omit<EngagementRecord, 'messageId' | 'at'>; at: unknown } | undefined {
  const part = (name: string) => (isObject(r[name]) ? (r[name] as Record<string, unknown>) : {});
  switch (type) {
    case 'Delivery':
      return { record: { event: 'delivered' }, at: part('delivery').timestamp };
    case 'Bounce':
      return {
        record: { event: 'bounced', bounceType: part('bounce').bounceType === 'Permanent' ? 'hard' : 'soft' },
        at: part('bounce').timestamp,
      };
    case 'Complaint':
      return { record: { event: 'complained' }, at: part('complaint').timestamp };
    case 'Open':
      return { record: { event: 'opened' }, at: part('open').timestamp };
    case 'Click':
      return {
        record: { event: 'clicked', ...(typeof part('click').link === 'string' ? { url: part('click').link as string } : {}) },
        at: part('click').timestamp,
      };
    case 'Subscription':
      return { record: { event: 'unsubscribed' }, at: part('subscription').timestamp };
    default:
      return undefined;
  }
}
