import type { DeliverySettings } from './settings.ts';
import type { Suppression } from './suppressions.ts';
import { STOPS_TRANSACTIONAL } from './suppressions.ts';
import type { SuppressionReason } from './types.ts';
import { localMinuteOfDay, nextLocalTime } from './local-time.ts';
import { GLOBAL_CONTROL_REASON, inGlobalControl } from '../insights/control-group.ts';

/**
 * The gates every send passes, as a pure function of what the worker read for it: consent, the
 * suppression list, the subscription topics the customer left, quiet hours, the origin's rate limit and the customer's frequency cap, in that
 * order. Consent and suppression come first because they are final whatever the time; quiet hours
 * and rate limits only move a send later; the frequency cap is judged last, at the instant the
 * send really goes, because a delayed send may land on another local day.
 *
 * Transactional templates (receipts, password resets) are not marketing: consent, unsubscribes,
 * quiet hours and the frequency cap do not apply to them. Bounces, complaints and manual
 * suppressions do, and so does the rate limit.
 */
export interface GateFacts {
  now: number;
  /** For the workspace's global control group (a hash of the id decides membership). */
  customerId?: string;
  category: 'marketing' | 'transactional';
  /** Undefined when the customer is not in the database (deleted, or forgotten). */
  customer?: { email?: string; consent: boolean; timeZone: string };
  suppressions: readonly Suppression[];
  /** The subscription topic of the email (campaign's, else template's); absent: none. */
  topic?: string;
  /** Topics the customer left, and since when. */
  topicOptOuts?: ReadonlyArray<{ topic: string; at: number }>;
  /** This customer's sends already made or decided on their local day of `now`. */
  sentToday: number;
  /** The origin's sends in the hour up to `now`, ascending. */
  originSendsLastHour: readonly number[];
  perHourLimit?: number;
  quietHoursAction?: 'delay' | 'skip';
  expiresAt?: number;
}

export type GateDecision =
  | { action: 'send' }
  | { action: 'suppress'; reason: SuppressionReason; detail?: string }
  | { action: 'delay'; until: number; reason: 'quiet_hours' | 'rate_limit' };

const HOUR = 3_600_000;

export function decide(f: GateFacts, settings: DeliverySettings): GateDecision {
  const marketing = f.category === 'marketing';
  if (!f.customer) return { action: 'suppress', reason: 'no_email', detail: 'the customer is not in the database' };
  // The global control group is held back from every marketing email, so the programme's effect
  // can be measured against it (runtime/insights/control-group.ts).
  if (marketing && f.customerId !== undefined && inGlobalControl(f.customerId, settings.globalControl))
    return { action: 'suppress', reason: GLOBAL_CONTROL_REASON, detail: `in the global control group (${settings.globalControl}%)` };
  if (!f.customer.email)
    return { action: 'suppress', reason: 'no_email', detail: `the customer has no ${settings.emailField ?? 'email'} address` };
  if (marketing && !f.customer.consent) return { action: 'suppress', reason: 'no_consent', detail: `${settings.consentField} is not true` };
  const blocking = f.suppressions.find((s) => marketing || STOPS_TRANSACTIONAL.has(s.reason));
  if (blocking)
    return { action: 'suppress', reason: 'suppressed', detail: `${blocking.reason} since ${new Date(blocking.at).toISOString()}` };
  const left = marketing && f.topic !== undefined ? f.topicOptOuts?.find((o) => o.topic === f.topic && o.at <= f.now) : undefined;
  if (left)
    return { action: 'suppress', reason: 'suppressed', detail: `left topic ${left.topic} since ${new Date(left.at).toISOString()}` };

  if (
    marketing &&
    settings.quietHours &&
    inWindow(localMinuteOfDay(f.now, f.customer.timeZone), settings.quietHours.start, settings.quietHours.end)
  ) {
    const action = f.quietHoursAction ?? settings.quietHours.action;
    const until = nextLocalTime(f.now, f.customer.timeZone, settings.quietHours.end);
    if (action === 'skip') return { action: 'suppress', reason: 'quiet_hours', detail: 'quiet hours, action skip' };
    if (f.expiresAt !== undefined && until > f.expiresAt)
      return { action: 'suppress', reason: 'quiet_hours', detail: "quiet hours last past the send's expiry" };
    return { action: 'delay', until, reason: 'quiet_hours' };
  }

  const limit = f.perHourLimit ?? settings.defaultPerHour;
  const recent = f.originSendsLastHour;
  if (limit !== undefined && recent.length >= limit) {
    // The instant enough of the last hour's sends have aged out of the window to make room.
    const until = Math.max(f.now + 1, recent[recent.length - limit]! + HOUR);
    if (f.expiresAt !== undefined && until > f.expiresAt)
      return { action: 'suppress', reason: 'rate_limit', detail: `${limit} per hour reached, and the send expires first` };
    return { action: 'delay', until, reason: 'rate_limit' };
  }

  if (marketing && settings.frequencyCap && f.sentToday >= settings.frequencyCap.perDay) {
    return { action: 'suppress', reason: 'frequency_cap', detail: `${settings.frequencyCap.perDay} per day already sent` };
  }
  return { action: 'send' };
}

/** Whether a local minute of day is inside `[start, end)`; a window with start > end spans midnight. */
export function inWindow(minute: number, start: number, end: number): boolean {
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
