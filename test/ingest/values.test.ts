import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerce } from '../../runtime/ingest/coerce/values.ts';
import { makeTimestampParser } from '../../runtime/ingest/coerce/timestamp.ts';
import { standardize } from '../../runtime/ingest/coerce/standardize.ts';

const london = makeTimestampParser({ timezone: 'Europe/London' });
const us = makeTimestampParser({ timezone: 'America/New_York', format: 'M/D/YYYY H:mm' });

describe('timestamps', () => {
  it('reads naive local times in the source time zone, daylight saving included', () => {
    expect(london('2010-12-01 08:26:00')).toBe(Date.UTC(2010, 11, 1, 8, 26)); // GMT in winter
    expect(london('2011-06-01 08:26:00')).toBe(Date.UTC(2011, 5, 1, 7, 26)); // BST in summer
    expect(london('2011-06-01')).toBe(Date.UTC(2011, 4, 31, 23, 0));
    // 01:30 on the night the clocks go back happens twice: the earlier instant (BST) is taken.
    expect(london('2011-10-30 01:30:00')).toBe(Date.UTC(2011, 9, 30, 0, 30));
  });

  it('honours an explicit offset or Z whatever the zone', () => {
    expect(london('2011-06-01T08:26:00Z')).toBe(Date.UTC(2011, 5, 1, 8, 26));
    expect(london('2011-06-01T08:26:00.250+02:00')).toBe(Date.UTC(2011, 5, 1, 6, 26, 0, 250));
    expect(london('2011-12-09T12:00Z')).toBe(Date.UTC(2011, 11, 9, 12));
  });

  it('reads the timestamp_format layout (Online Retail as first published: 12/1/2010 8:26)', () => {
    expect(us('12/1/2010 8:26')).toBe(Date.UTC(2010, 11, 1, 13, 26));
    expect(us('7/14/2011 16:05')).toBe(Date.UTC(2011, 6, 14, 20, 5));
    expect(us('2011-07-14 16:05')).toBe(Date.UTC(2011, 6, 14, 20, 5)); // ISO still understood
  });

  it('refuses impossible dates and other text', () => {
    for (const bad of ['2010-13-01 08:26:00', '2011-02-29', '2010-12-01 25:00', 'yesterday', '12/1/2010', ''])
      expect(london(bad)).toBeNull();
    expect(us('13/1/2010 8:26')).toBeNull();
  });

  it('agrees with Date for any UTC instant written in ISO form', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (d) => {
        expect(london(d.toISOString())).toBe(d.getTime());
      }),
    );
  });
});

describe('coercion to the data model', () => {
  const ts = london;
  it('reads ids written as floats, refuses ids that are not ids', () => {
    expect(coerce('17850.0', 'id', ts)).toEqual({ ok: true, value: '17850' });
    expect(coerce(17850, 'id', ts)).toEqual({ ok: true, value: '17850' });
    expect(coerce('85123A', 'id', ts)).toEqual({ ok: true, value: '85123A' });
    expect(coerce('17850.5', 'id', ts)).toMatchObject({ ok: false, reason: 'invalid_id' });
    expect(coerce('N/A 17850', 'id', ts)).toMatchObject({ ok: false, reason: 'invalid_id' });
    expect(coerce('  ', 'id', ts)).toEqual({ ok: true, value: null });
  });
  it('numbers, booleans, emails, strings', () => {
    expect(coerce('-6', 'number', ts)).toEqual({ ok: true, value: -6 });
    expect(coerce('2.55', 'number', ts)).toEqual({ ok: true, value: 2.55 });
    expect(coerce('six', 'number', ts)).toMatchObject({ ok: false, reason: 'invalid_number' });
    expect(coerce('2.5', 'integer', ts)).toMatchObject({ ok: false, reason: 'invalid_number' });
    expect(coerce('Yes', 'boolean', ts)).toEqual({ ok: true, value: true });
    expect(coerce('0', 'boolean', ts)).toEqual({ ok: true, value: false });
    expect(coerce('maybe', 'boolean', ts)).toMatchObject({ ok: false, reason: 'invalid_boolean' });
    expect(coerce(' Ann@Example.TEST ', 'email', ts)).toEqual({ ok: true, value: 'ann@example.test' });
    expect(coerce('ann at example', 'email', ts)).toMatchObject({ ok: false, reason: 'invalid_email' });
    expect(coerce('  gift  ', 'string', ts)).toEqual({ ok: true, value: 'gift' });
    expect(coerce('2011-06-01', 'date', ts)).toEqual({ ok: true, value: Date.UTC(2011, 4, 31) });
  });
  it('standardizes countries to one spelling', () => {
    expect(['EIRE', 'ie', 'Ireland'].map((c) => standardize(c, 'country'))).toEqual(['Ireland', 'Ireland', 'Ireland']);
    expect(['UK', 'GB', 'United Kingdom'].map((c) => standardize(c, 'country'))).toEqual(Array(3).fill('United Kingdom'));
    expect(standardize('RSA', 'country')).toBe('South Africa');
    expect(standardize('Unspecified', 'country')).toBeNull();
    expect(standardize('Channel Islands', 'country')).toBe('Channel Islands');
    expect(standardize("o'neil-smith", 'title')).toBe("O'Neil-Smith");
  });
});

describe('time zone edges', () => {
  it('reads a time in the spring-forward gap with the offset before it', () => {
    // 01:30 on 2011-03-27 does not exist in London (clocks jump from 01:00 GMT to 02:00 BST).
    expect(london('2011-03-27 01:30:00')).toBe(Date.UTC(2011, 2, 27, 1, 30));
    expect(london('2011-03-27 02:30:00')).toBe(Date.UTC(2011, 2, 27, 1, 30));
    expect(london('2011-03-27 00:30:00')).toBe(Date.UTC(2011, 2, 27, 0, 30));
  });
});
