/**
 * Durations, times of day and date-times as journeys, campaigns and tests write them, turned into
 * numbers the runtime computes with. Pure: no clock, no time zone database (a local time stays a
 * wall-clock time here; the runtime reads it in the right zone).
 */
import { DURATION_MS } from '../../contract/core/rule-paths.ts';
import type { CompiledTime } from '../../contract/journey.ts';

const DURATION = /^([0-9]+)([smhdw])$/;

/** `48h` → milliseconds; undefined for anything else (the schema has already checked the shape). */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS] : undefined;
}

/** `09:30` → minutes after midnight. */
export function minuteOfDay(text: string): number | undefined {
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2}| local)?$/;

/**
 * A date or date-time: with `Z` or an offset it is an instant; without, a wall-clock time in the
 * workspace's zone; with ` local`, a wall-clock time in each customer's zone. Undefined when the
 * text does not name a real moment (30 February, 24:00).
 */
export function parseTime(text: string): CompiledTime | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  const zone = m[8];
  if (zone === undefined) return { kind: 'local', wallClock: wall, perCustomer: false };
  if (zone === ' local') return { kind: 'local', wallClock: wall, perCustomer: true };
  if (zone === 'Z') return { kind: 'instant', at: wall };
  const sign = zone.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  return { kind: 'instant', at: wall - offset };
}

/** An instant (the text must carry `Z` or an offset), as epoch milliseconds. */
export function parseInstant(text: string): number | undefined {
  const t = parseTime(text);
  return t?.kind === 'instant' ? t.at : undefined;
}
