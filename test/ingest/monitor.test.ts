import { describe, expect, it } from 'vitest';
import { checkLoad, distance, type FileStats } from '../../runtime/ingest/monitor.ts';
import { DEFAULT_MONITOR } from '../../compiler/contract/source.ts';

/** A steady feed: ~1000 rows a day, ~5% rejected, 900 purchases by ~60 customers, mostly UK. */
function day(i: number, over: Partial<FileStats> = {}): FileStats {
  const wobble = (i % 5) - 2;
  return {
    rows: 1000 + wobble * 20,
    rejected: 50 + wobble,
    events: { purchase: 900 + wobble * 15, refund: 3 + (i % 3) },
    customers: 60 + wobble,
    countries: { 'United Kingdom': 850 + wobble * 10, France: 30, Germany: 20 + wobble },
    ...over,
  };
}
const history = Array.from({ length: 20 }, (_, i) => day(i));
const metrics = (stats: FileStats) =>
  checkLoad('orders', 'x.csv', stats, history, DEFAULT_MONITOR).map((a) => `${a.metric}:${a.direction}`);

describe('feed monitoring', () => {
  it('flags nothing on an ordinary day', () => {
    expect(metrics(day(21))).toEqual([]);
  });

  it('flags a volume collapse and a reject spike', () => {
    expect(metrics(day(21, { rows: 200, rejected: 10, events: { purchase: 180 }, customers: 12 }))).toEqual([
      'rows:low',
      'events.purchase:low',
    ]);
    expect(metrics(day(21, { rejected: 400 }))).toEqual(['reject_rate:high']);
  });

  it('flags a sudden drop in purchases per customer', () => {
    expect(metrics(day(21, { events: { purchase: 300, refund: 3 }, customers: 60 }))).toEqual([
      'events.purchase:low',
      'events_per_customer.purchase:low',
    ]);
  });

  it('flags an abrupt change in the country mix', () => {
    const flagged = checkLoad('orders', 'x.csv', day(21, { countries: { 'United Kingdom': 300, France: 600 } }), history, DEFAULT_MONITOR);
    expect(flagged.map((a) => a.metric)).toEqual(['country_mix']);
    expect(flagged[0]!.message).toContain('country mix');
  });

  it('ignores low-volume event types and needs enough history', () => {
    expect(metrics(day(21, { events: { purchase: day(21).events.purchase!, refund: 40 } }))).toEqual([]);
    expect(checkLoad('orders', 'x.csv', day(21, { rows: 10 }), history.slice(0, 3), DEFAULT_MONITOR)).toEqual([]);
  });

  it('measures mix distance as total variation', () => {
    expect(distance({ a: 1 }, { a: 5 })).toBe(0);
    expect(distance({ a: 1 }, { b: 1 })).toBe(1);
    expect(distance({ a: 1, b: 1 }, { a: 1 })).toBeCloseTo(0.5);
  });
});
