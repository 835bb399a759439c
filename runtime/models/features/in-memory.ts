import { createHash } from 'node:crypto';
import { matrix, toNumber } from '../matrix.ts';
import type { Interaction, ItemInfo } from '../recommend/data.ts';
import type { ItemObservation } from '../recommend/point-in-time.ts';
import type { CustomerRecord, EventRecord, FeatureSource, ItemRecord, RowFunction, Snapshot, SnapshotOptions } from './source.ts';

export interface CompiledFeatures {
  names: string[];
  features: RowFunction[];
  label?: RowFunction;
  /** Which customers belong to the model (true: in); absent: everyone. */
  population?: RowFunction;
  /** The label's look-ahead window in ms: label functions see events up to asOf + horizon. */
  horizonMs: number;
}

/**
 * The in-memory feature source: records already loaded, rules compiled to functions (by the JS
 * evaluator, or by hand in tests). Point-in-time is enforced here, not left to each rule: feature
 * functions are handed only the events at or before `asOf`, label functions only those up to
 * `asOf + horizon`, so no feature can see the future whatever its rule says.
 */
export class InMemoryFeatureSource implements FeatureSource {
  private readonly customers: CustomerRecord[];
  private readonly eventsByCustomer = new Map<string, EventRecord[]>();
  private readonly allEvents: EventRecord[];
  private readonly itemRecords: ItemRecord[];

  constructor(
    data: { customers: readonly CustomerRecord[]; events: readonly EventRecord[]; items?: readonly ItemRecord[] },
    private readonly compiled: CompiledFeatures,
  ) {
    this.customers = [...data.customers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.allEvents = [...data.events].sort((a, b) => a.at - b.at);
    for (const e of this.allEvents) {
      let list = this.eventsByCustomer.get(e.customer_id);
      if (!list) this.eventsByCustomer.set(e.customer_id, (list = []));
      list.push(e);
    }
    this.itemRecords = [...(data.items ?? [])];
  }

  async snapshot(asOf: Date, options: SnapshotOptions): Promise<Snapshot> {
    const wanted = options.customerIds ? new Set(options.customerIds) : undefined;
    const { names, features, label, population } = this.compiled;
    const cut = asOf.getTime();
    const pastOf = (c: CustomerRecord) => {
      const events = this.eventsByCustomer.get(c.id) ?? [];
      return events.slice(0, upperBound(events, cut));
    };
    const customers = this.customers.filter((c) => {
      if (wanted && !wanted.has(c.id)) return false;
      const past = pastOf(c);
      if (options.knownOnly && past.length === 0) return false;
      return !population || population(c, past, asOf) === true;
    });
    const x = matrix(customers.length, names.length);
    const labels = options.label ? new Float64Array(customers.length) : undefined;
    const stringFeatures = new Set<string>();
    const labelEnd = cut + this.compiled.horizonMs;
    customers.forEach((c, i) => {
      const events = this.eventsByCustomer.get(c.id) ?? [];
      const past = pastOf(c);
      features.forEach((fn, j) => {
        const v = toNumber(fn(c, past, asOf));
        if (v === 'string') stringFeatures.add(names[j]!);
        x.data[i * names.length + j] = v === 'string' ? NaN : v;
      });
      if (labels) {
        if (!label) throw new Error('this model has no label');
        const v = toNumber(label(c, events.slice(0, upperBound(events, labelEnd)), asOf));
        labels[i] = v === 'string' ? NaN : v;
      }
    });
    return {
      names: [...names],
      customerIds: customers.map((c) => c.id),
      x,
      ...(labels ? { labels } : {}),
      stringFeatures: [...stringFeatures],
    };
  }

  async interactions(weights: Readonly<Record<string, number>>, itemProperty: string, to: Date, from?: Date): Promise<Interaction[]> {
    const out: Interaction[] = [];
    const lo = from?.getTime() ?? -Infinity;
    const hi = to.getTime();
    for (const e of this.allEvents) {
      if (e.at <= lo || e.at > hi) continue;
      const w = weights[e.type];
      const item = e[itemProperty];
      if (w === undefined || item === null || item === undefined) continue;
      out.push({ customerId: e.customer_id, itemId: String(item), weight: w, at: e.at });
    }
    return out;
  }

  async items(): Promise<ItemInfo[]> {
    return this.itemRecords.map(({ id, ...attributes }) => ({ id, attributes }));
  }

  async itemObservations(types: readonly string[], itemProperty: string, property: string, to: Date): Promise<ItemObservation[]> {
    const wanted = new Set(types);
    const out: ItemObservation[] = [];
    for (const e of this.allEvents) {
      if (e.at > to.getTime()) break;
      const item = e[itemProperty];
      const value = e[property];
      if (wanted.has(e.type) && item !== null && item !== undefined && typeof value === 'number' && Number.isFinite(value))
        out.push({ itemId: String(item), at: e.at, value });
    }
    return out;
  }

  async dataEnd(): Promise<Date | undefined> {
    const last = this.allEvents.at(-1);
    return last ? new Date(last.at) : undefined;
  }

  async fingerprint(): Promise<string> {
    const h = createHash('sha256');
    h.update(`${this.customers.length}|${this.allEvents.length}|${this.itemRecords.length}`);
    for (const c of this.customers) h.update(JSON.stringify(c));
    for (const e of this.allEvents) h.update(JSON.stringify(e));
    for (const it of this.itemRecords) h.update(JSON.stringify(it));
    return h.digest('hex');
  }
}

/** Number of events with at <= t (events sorted by at). */
function upperBound(events: readonly EventRecord[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
