/**
 * Wall-clock arithmetic in a customer's time zone: which local day an instant falls on (frequency
 * caps count per local day), the local time of day (quiet hours), and the next instant a local
 * time of day comes round (the end of quiet hours). Daylight-saving changes are handled the way
 * Temporal's `compatible` disambiguation does: a local time that does not exist (clocks jump
 * forward) is read with the offset from before the jump, so 01:30 on the day London skips from
 * 01:00 to 02:00 is 02:30; a local time that exists twice (clocks go back) is the earlier one. A
 * day may be 23 or 25 hours long.
 */
import { isTimeZone, wallClockInstant, wallClockParts } from '../../compiler/contract/core/zones.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The customer's zone when it is a real one, else the fallback (the workspace's). */
export function zoneOr(candidate: unknown, fallback: string): string {
  return typeof candidate === 'string' && candidate !== '' && isTimeZone(candidate) ? candidate : fallback;
}

/** Minutes since local midnight (0..1439) at an instant. */
export function localMinuteOfDay(ms: number, timeZone: string): number {
  const p = wallClockParts(ms, timeZone);
  return p.hour * 60 + p.minute;
}

/** `[start, end)` of the local calendar day containing the instant. */
export function localDayBounds(ms: number, timeZone: string): [number, number] {
  const p = wallClockParts(ms, timeZone);
  const midnight = Date.UTC(p.year, p.month - 1, p.day);
  return [wallClockInstant(midnight, timeZone), wallClockInstant(midnight + DAY, timeZone)];
}

/** The local calendar day of an instant, `YYYY-MM-DD`. */
export function localDate(ms: number, timeZone: string): string {
  const p = wallClockParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The first instant at or after `ms` whose local time of day is `minuteOfDay`. */
export function nextLocalTime(ms: number, timeZone: string, minuteOfDay: number): number {
  const p = wallClockParts(ms, timeZone);
  const midnight = Date.UTC(p.year, p.month - 1, p.day);
  for (let day = 0; day < 3; day++) {
    const at = wallClockInstant(midnight + day * DAY + minuteOfDay * MINUTE, timeZone);
    if (at >= ms) return at;
  }
  throw new Error(`internal: no local ${minuteOfDay} min after ${new Date(ms).toISOString()} in ${timeZone}`);
}
