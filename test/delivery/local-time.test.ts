import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate, localDayBounds, localMinuteOfDay, nextLocalTime, zoneOr } from '../../runtime/delivery/local-time.ts';
import { inWindow } from '../../runtime/delivery/gates.ts';

const ZONES = [
  'UTC',
  'Europe/London',
  'America/New_York',
  'Asia/Tokyo',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Apia',
];
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });
const zone = fc.constantFrom(...ZONES);

describe('local time', () => {
  it('a local day contains the instant, and every instant in it has the same local date', () => {
    fc.assert(
      fc.property(instant, zone, (ms, tz) => {
        const [start, end] = localDayBounds(ms, tz);
        expect(start).toBeLessThanOrEqual(ms);
        expect(end).toBeGreaterThan(ms);
        // 23 to 25 hours (Lord Howe shifts by 30 minutes; Apia skipped a whole day in 2011, outside this range).
        expect(end - start).toBeGreaterThanOrEqual(23 * 3_600_000);
        expect(end - start).toBeLessThanOrEqual(25 * 3_600_000);
        expect(localDate(start, tz)).toBe(localDate(ms, tz));
        expect(localDate(end - 1, tz)).toBe(localDate(ms, tz));
        expect(localDate(end, tz)).not.toBe(localDate(ms, tz));
      }),
      { numRuns: 300 },
    );
  });

  it('the next local time of day comes at or after the instant, within a day and a bit, at that time', () => {
    fc.assert(
      fc.property(instant, zone, fc.integer({ min: 0, max: 1439 }), (ms, tz, minute) => {
        const at = nextLocalTime(ms, tz, minute);
        expect(at).toBeGreaterThanOrEqual(ms);
        expect(at - ms).toBeLessThanOrEqual(25 * 3_600_000);
        // Equal, except when that local time does not exist that day (clocks jump forward): then just after the gap.
        const got = localMinuteOfDay(at, tz);
        if (got !== minute) expect(Math.abs(got - minute)).toBeLessThanOrEqual(60);
      }),
      { numRuns: 300 },
    );
  });

  it('handles the daylight-saving change in London', () => {
    // 2026-03-29: 01:00 GMT becomes 02:00 BST; 01:30 does not exist and reads as 02:30 BST.
    const before = Date.UTC(2026, 2, 29, 0, 0);
    expect(nextLocalTime(before, 'Europe/London', 90)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(nextLocalTime(before, 'Europe/London', 8 * 60)).toBe(Date.UTC(2026, 2, 29, 7, 0));
    // 01:30 on 2026-10-25 happens twice (BST, then GMT): the first.
    expect(nextLocalTime(Date.UTC(2026, 9, 24, 23), 'Europe/London', 90)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(localDayBounds(Date.UTC(2026, 2, 29, 12), 'Europe/London')).toEqual([Date.UTC(2026, 2, 29, 0), Date.UTC(2026, 2, 29, 23)]);
    // 2026-10-25: 02:00 BST becomes 01:00 GMT; the day has 25 hours.
    expect(localDayBounds(Date.UTC(2026, 9, 25, 12), 'Europe/London')).toEqual([Date.UTC(2026, 9, 24, 23), Date.UTC(2026, 9, 26, 0)]);
  });

  it('quiet windows may span midnight', () => {
    expect(inWindow(22 * 60, 21 * 60, 8 * 60)).toBe(true);
    expect(inWindow(7 * 60 + 59, 21 * 60, 8 * 60)).toBe(true);
    expect(inWindow(8 * 60, 21 * 60, 8 * 60)).toBe(false);
    expect(inWindow(13 * 60, 12 * 60, 14 * 60)).toBe(true);
    expect(inWindow(14 * 60, 12 * 60, 14 * 60)).toBe(false);
  });

  it('an unknown or missing zone falls back', () => {
    expect(zoneOr('Mars/Olympus', 'Europe/London')).toBe('Europe/London');
    expect(zoneOr(null, 'UTC')).toBe('UTC');
    expect(zoneOr('Asia/Tokyo', 'UTC')).toBe('Asia/Tokyo');
  });
});
