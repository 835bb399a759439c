/**
 * What the insights (attribution, incrementality, KPIs over time) are computed from, in memory:
 * the outbox's assignments and sends with their first open and click, and the conversion events
 * with their revenue. `load.ts` reads it from the database; the recipient simulator builds it
 * directly, so the statistics are tested on data whose truth is known, without a database.
 */

/** One outbox row: a message sent, or a send that was due and did not go (holdout, a gate). */
export interface Touch {
  /** The idempotency key (the message's identity; its Message-ID derives from it). */
  key: string;
  customerId: string;
  originKind: 'journey' | 'campaign';
  originName: string;
  template: string;
  experiment?: string;
  /** The variant; `holdout` for an experiment's holdout; `all` when no split decided it. */
  variant: string;
  /** An experiment holdout: nothing was sent, by design. */
  holdout: boolean;
  /** In the workspace's global control group: nothing was sent, by design. */
  globalControl: boolean;
  /** A message went out. */
  sent: boolean;
  /** Sent: when it went; otherwise when it was due. */
  at: number;
  opened?: number;
  clicked?: number;
}

export interface Conversion {
  /** The event's id, so a credit can be traced back to it. */
  id: string;
  customerId: string;
  at: number;
  /** The revenue property's value (0 when the event has none). */
  revenue: number;
}

export interface InsightData {
  touches: Touch[];
  /** Ascending by `at`. */
  conversions: Conversion[];
}

/** Values grouped by a key, in insertion order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The index of the first element of an ascending array greater than `value`. */
export function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
