/**
 * Time zones: the offsets of an IANA zone, and wall-clock times read as instants there. One
 * reading of daylight-saving changes for the whole runtime (ingest, journeys, delivery): a local
 * time that occurs twice is the earlier instant; one in a gap is read with the offset before it.
 */

export interface WallClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of an instant in a zone (month 1–12, hour 0–23). */
export function wallClockParts(ms: number, timeZone: string): WallClockParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const out: Record<string, number> = {};
  for (const p of format.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as WallClockParts;
}

/**
 * The offset (ms) to subtract from a naive local time to get UTC, in an IANA zone. Computed with
 * Intl once per local hour and cached. A local time that occurs twice (the hour the clocks go
 * back) is read as the earlier of the two instants.
 */
export function zoneOffsets(timezone: string): (naiveLocalMs: number) => number {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return () => 0;
  const offsetAt = (utcMs: number): number => {
    const f = wallClockParts(Math.floor(utcMs / 1000) * 1000, timezone);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(utcMs / 1000) * 1000;
  };
  const cache = new Map<number, number>();
  return (naive: number) => {
    const hour = Math.floor(naive / 3_600_000);
    let offset = cache.get(hour);
    if (offset === undefined) {
      // The offsets in force a day before and a day after; near a transition they differ.
      const before = offsetAt(naive - 86_400_000);
      const after = offsetAt(naive + 86_400_000);
      const fits = (o: number) => offsetAt(naive - o) === o;
      if (before === after || (fits(before) && !fits(after))) offset = before;
      else if (fits(after) && !fits(before)) offset = after;
      else if (fits(before) && fits(after))
        offset = Math.max(before, after); // twice: the earlier instant
      else offset = before; // in the gap: read with the offset before it, as clocks would show it after
      cache.set(hour, offset);
    }
    return offset;
  };
}

const knownZones = new Map<string, boolean>();

/**
 * True for a time zone the Intl database knows (IANA names and their links, and UTC). Definitions
 * and customer data may hold any string: answers are remembered, up to a bound.
 */
export function isTimeZone(name: string): boolean {
  let known = knownZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: name });
      known = name.trim() === name && name !== '';
    } catch {
      known = false;
    }
    if (knownZones.size < 10_000) knownZones.set(name, known);
  }
  return known;
}

const offsetsByZone = new Map<string, (naive: number) => number>();

/** The instant a wall-clock time (written as if it were UTC) names in a zone, DST included. */
export function wallClockInstant(wallClock: number, zone: string): number {
  let offsets = offsetsByZone.get(zone);
  if (!offsets) offsetsByZone.set(zone, (offsets = zoneOffsets(zone)));
  return wallClock - offsets(wallClock);
}
