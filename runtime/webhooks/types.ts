import type { EngagementRecord } from '../delivery/engagement.ts';

/**
 * A mail provider's engagement format: how its webhook requests are authenticated, and how its
 * payloads map to Herald's engagement records (runtime/delivery/engagement.ts): delivered,
 * bounced (hard or soft), complained, opened, clicked, unsubscribed. Provider events with no
 * Herald meaning (SendGrid's `processed`, SES's `Send`) are counted as ignored, not errors.
 */
export interface ProviderRecords {
  records: EngagementRecord[];
  /** Events understood but with no Herald meaning. */
  ignored: number;
  /** Events that could not be read, each saying why (never with personal data). */
  problems: string[];
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  now: number;
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 400; reason: string };

export function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An instant from seconds, milliseconds or an ISO text with a zone; undefined otherwise. */
export function instant(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return instant(Number(value));
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value.trim())) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A bare Message-ID, without angle brackets. */
export function bareMessageId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const bare = value.trim().replace(/^<|>$/g, '');
  return bare === '' ? undefined : bare;
}

/** Timestamped signatures older or newer than this are replays (or clocks far apart): refused. */
export const SIGNATURE_TOLERANCE_MS = 15 * 60_000;
