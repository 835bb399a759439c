/**
 * Dates and date-times written as text (rule literals, `--as-of`, model cut-offs, journey times,
 * test expectations, engagement exports), read one way. A date alone is midnight; a time without
 * an offset is a wall-clock time, which the caller places: UTC for rules, flags and cut-offs (so
 * they mean the same on every machine), the workspace's zone for journey schedules.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export interface DateTimeText {
  /** The wall-clock time written, as if it were UTC (epoch milliseconds). */
  wallClock: number;
  /** The offset the text carries (`Z`: 0), in milliseconds east of UTC; undefined when it has none. */
  offsetMs?: number;
  /** True for a date without a time of day. */
  dateOnly: boolean;
}

/**
 * `2011-12-09`, `2011-12-09T12:00`, `2011-12-09 12:00:00.5+01:00`, `…Z`; undefined for anything
 * else and for moments that do not exist (30 February, 24:00), which Date.UTC would roll over.
 */
export function parseDateTime(text: string): DateTimeText | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const wallClock = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  const dateOnly = m[4] === undefined;
  return m[8] === undefined ? { wallClock, dateOnly } : { wallClock, offsetMs: offsetMs(m[8]), dateOnly };
}

/** The instant a date or date-time names, reading one without an offset as UTC; undefined when it is not one. */
export function utcInstant(text: string): number | undefined {
  const t = parseDateTime(text);
  return t === undefined ? undefined : t.wallClock - (t.offsetMs ?? 0);
}

/** The instant a date-time names only when it carries `Z` or an offset; undefined otherwise. */
export function offsetInstant(text: string): number | undefined {
  const t = parseDateTime(text);
  return t?.offsetMs === undefined ? undefined : t.wallClock - t.offsetMs;
}

/** `Z`, `+01:00`, `-0530` in milliseconds east of UTC. */
function offsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/**
 * A timestamp literal of the rule language as epoch milliseconds. A date without a time is
 * midnight UTC, and a time without an offset is UTC (the workspace time zone applies to schedules,
 * not to rule literals, so a rule means the same on every machine). The parser has checked the
 * literal, so anything else is an internal error.
 */
export function timestampLiteralMs(text: string): number {
  const ms = utcInstant(text);
  if (ms === undefined) throw new Error(`invalid timestamp literal \`${text}\``);
  return ms;
}
