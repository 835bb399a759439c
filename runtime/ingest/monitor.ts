import type { MonitorSettings } from '../../compiler/contract/source.ts';
import { addCount, nameTable, own } from '../../compiler/contract/core/own.ts';

/** What each load records about itself, so later loads can be compared with the norm. */
export interface FileStats {
  rows: number;
  rejected: number;
  /** Accepted events per type. */
  events: Record<string, number>;
  /** Distinct customers with an accepted row. */
  customers: number;
  /** Accepted rows per country (the mapped customers.country), when the source maps one. */
  countries: Record<string, number>;
}

export interface Anomaly {
  source: string;
  file: string;
  /** `rows`, `reject_rate`, `events.purchase`, `events_per_customer.purchase`, `country_mix`. */
  metric: string;
  value: number;
  median: number;
  mad: number;
  /** Robust z-score: (value - median) / (1.4826 * MAD). */
  score: number;
  direction: 'high' | 'low';
  message: string;
}

/**
 * Feed monitoring: each load's volume, reject rate, events per type, purchases per customer and
 * country mix are compared with the previous loads of the same source (the last `window`), using
 * the median and the median absolute deviation, which a few odd days do not distort. A load whose
 * robust z-score passes the threshold is flagged (never rejected: the data may be right).
 * The country mix is compared as the total variation distance between the load's mix and the
 * pooled mix of the history; the same distance for each past load gives its norm.
 */
export function checkLoad(source: string, file: string, current: FileStats, history: FileStats[], settings: MonitorSettings): Anomaly[] {
  const past = history.slice(-settings.window);
  if (past.length < settings.minHistory) return [];
  const out: Anomaly[] = [];
  const check = (metric: string, value: number, values: number[], label: string) => {
    const a = robust(value, values);
    if (a && Math.abs(a.score) > settings.threshold) {
      const direction = a.score > 0 ? 'high' : 'low';
      out.push({
        source,
        file,
        metric,
        value: round(value),
        median: round(a.median),
        mad: round(a.mad),
        score: Number.isFinite(a.score) ? round(a.score) : a.score > 0 ? 999 : -999,
        direction,
        message: `${label} ${round(value)} is far ${direction === 'high' ? 'above' : 'below'} the recent norm (median ${round(a.median)} over ${values.length} loads)`,
      });
    }
  };
  check(
    'rows',
    current.rows,
    past.map((s) => s.rows),
    'rows',
  );
  check(
    'reject_rate',
    rate(current.rejected, current.rows),
    past.map((s) => rate(s.rejected, s.rows)),
    'reject rate',
  );
  const types = new Set([...Object.keys(current.events), ...past.flatMap((s) => Object.keys(s.events))]);
  for (const type of [...types].sort()) {
    // A type with a handful of events a day swings by chance; only watch types with volume.
    // Stats of past loads come back from JSON: an event type is read as an own key only.
    const count = (s: FileStats) => own(s.events, type) ?? 0;
    if (median_(past.map(count)) < MIN_TYPE_VOLUME) continue;
    check(`events.${type}`, count(current), past.map(count), `${type} events`);
    check(
      `events_per_customer.${type}`,
      rate(count(current), current.customers),
      past.map((s) => rate(count(s), s.customers)),
      `${type} events per customer`,
    );
  }
  if (Object.keys(current.countries).length > 0) {
    const pooled = pool(past.map((s) => s.countries));
    check(
      'country_mix',
      distance(current.countries, pooled),
      past.map((s) => distance(s.countries, pooled)),
      'country mix distance',
    );
  }
  return out;
}

/** Median events of a type per load below which the type's volume is not watched. */
const MIN_TYPE_VOLUME = 50;

function robust(value: number, values: number[]): { median: number; mad: number; score: number } | undefined {
  if (values.length === 0) return undefined;
  const median = median_(values);
  const mad = median_(values.map((v) => Math.abs(v - median)));
  const spread = 1.4826 * mad;
  if (spread === 0) {
    // A perfectly steady history: any real change is news, a rounding-level one is not.
    if (Math.abs(value - median) <= 1e-9 * Math.max(1, Math.abs(median))) return { median, mad, score: 0 };
    return { median, mad, score: value > median ? Infinity : -Infinity };
  }
  return { median, mad, score: (value - median) / spread };
}

function median_(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function pool(mixes: Array<Record<string, number>>): Record<string, number> {
  const out = nameTable<number>();
  for (const m of mixes) for (const [k, v] of Object.entries(m)) addCount(out, k, v);
  return out;
}

/** Total variation distance between two count distributions (0 same mix … 1 disjoint). */
export function distance(a: Record<string, number>, b: Record<string, number>): number {
  const ta = Object.values(a).reduce((s, v) => s + v, 0);
  const tb = Object.values(b).reduce((s, v) => s + v, 0);
  if (ta === 0 || tb === 0) return 0;
  let d = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) d += Math.abs((own(a, k) ?? 0) / ta - (own(b, k) ?? 0) / tb);
  return d / 2;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
