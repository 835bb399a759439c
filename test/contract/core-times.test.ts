import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseTimeOfDay } from '../../compiler/contract/core/durations.ts';
import { offsetInstant, parseDateTime, utcInstant } from '../../compiler/contract/core/instants.ts';
import { isTimeZone } from '../../compiler/contract/core/zones.ts';

describe('the language core: one reading of times, durations and zones', () => {
  it('reads every ISO instant as Date does, and a time without an offset as UTC', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(utcInstant(iso)).toBe(d.getTime());
        expect(utcInstant(iso.slice(0, -1))).toBe(d.getTime());
        expect(utcInstant(iso.replace('T', ' '))).toBe(d.getTime());
        expect(offsetInstant(iso.slice(0, -1))).toBeUndefined();
      }),
    );
  });

  it('applies offsets, and refuses moments that do not exist', () => {
    expect(utcInstant('2011-12-09T12:00+01:00')).toBe(Date.UTC(2011, 11, 9, 11));
    expect(utcInstant('2011-12-09T12:00:00-0530')).toBe(Date.UTC(2011, 11, 9, 17, 30));
    expect(utcInstant('2011-12-09')).toBe(Date.UTC(2011, 11, 9));
    expect(parseDateTime('2011-12-09')?.dateOnly).toBe(true);
    for (const bad of ['2011-02-30', '2011-12-09T24:00', '2011-12-09T12:60', '09/12/2011', 'now', ''])
      expect(utcInstant(bad)).toBeUndefined();
  });

  it('reads durations and times of day with one grammar', () => {
    const read = ['48h', '0.5d', ' 15m ', '3w', 'soon', '15 minutes'].map(parseDuration);
    expect(read).toEqual([172_800_000, 43_200_000, 900_000, 1_814_400_000, undefined, undefined]);
    expect(['00:00', '23:59', '9:30', '12:60'].map(parseTimeOfDay)).toEqual([0, 1439, undefined, undefined]);
  });

  it('knows real time zones and nothing else', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    for (const bad of ['Europe/Londn', '', ' UTC', 'not a zone']) expect(isTimeZone(bad)).toBe(false);
  });
});
