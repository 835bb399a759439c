import { createHash } from 'node:crypto';
import { seededRng, type Rng } from '../../models/rng.ts';
import type { Conversion, Touch } from '../data.ts';

/**
 * A recipient simulator with known truth. Every customer has a base chance to buy within the
 * window after a message is due (whatever it says), an order value, and a chance to open; these
 * depend on the customer (a hash of their id puts them in one of three kinds: rare, regular and
 * loyal buyers). A variant adds a known uplift to the chance to buy and scales the order value by
 * a known revenue effect; a holdout, the global control group and a send a gate stopped get
 * neither. A customer the variant tipped into buying opens and clicks first (the email caused it);
 * others open and click at the variant's rates. Purchases before the first message (history) are
 * simulated too, so attribution has conversions no message earned.
 *
 * The truth of an experiment is the average effect over its customers (both arms): for the
 * conversion rate exactly the variant's uplift, for revenue per recipient
 * mean((p + uplift)·value·(1 + revenue effect) − p·value), computed from the same parameters the
 * simulation drew from.
 */
export interface VariantEffect {
  /** Added to the chance to buy within the window (absolute, e.g. 0.03). */
  uplift: number;
  /** Relative change of the order value (0.1: orders 10% larger). */
  revenueEffect: number;
  /** Chance to click, given an open, for customers the variant did not tip into buying. */
  clickRate: number;
}

export interface SimulationSettings {
  seed: number;
  windowMs: number;
  /** By variant name (`all` for sends no split decided); a variant not named has no effect. */
  effects: Record<string, VariantEffect>;
  /** Purchases per customer before their first message (history no message earned); default 0.3. */
  historyRate?: number;
}

export interface CustomerTraits {
  kind: 'rare' | 'regular' | 'loyal';
  /** Chance to buy within the window without any email. */
  baseRate: number;
  /** Mean order value. */
  value: number;
  openRate: number;
}

const KINDS: ReadonlyArray<CustomerTraits> = [
  { kind: 'rare', baseRate: 0.03, value: 25, openRate: 0.2 },
  { kind: 'regular', baseRate: 0.08, value: 45, openRate: 0.35 },
  { kind: 'loyal', baseRate: 0.18, value: 80, openRate: 0.55 },
];

/** The customer's traits: the same for every seed (they are who they are); the draws differ. */
export function traitsOf(customerId: string): CustomerTraits {
  const u = createHash('sha256').update(`herald-simulated-customer\u0000${customerId}`).digest().readUInt32LE(0) / 2 ** 32;
  return KINDS[u < 0.5 ? 0 : u < 0.85 ? 1 : 2]!;
}

export interface SimulatedEngagement {
  /** First open and click per message key (what a provider's log would say). */
  engagement: Map<string, { opened?: number; clicked?: number }>;
  /** Ascending by time. */
  purchases: Conversion[];
  /** Purchases that followed a click of the message within the window, by message key (for reconciliation). */
  afterClick: Map<string, Conversion[]>;
}

/** Order values are log-normal around the customer's mean (σ = 0.5): skewed, as real baskets are. */
const VALUE_SIGMA = 0.5;
const HOUR = 3_600_000;

export function simulateRecipients(touches: readonly Touch[], settings: SimulationSettings): SimulatedEngagement {
  const rng = seededRng(settings.seed);
  const engagement = new Map<string, { opened?: number; clicked?: number }>();
  const purchases: Conversion[] = [];
  const afterClick = new Map<string, Conversion[]>();
  const ordered = [...touches].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  const firstAt = new Map<string, number>();
  for (const t of ordered) if (!firstAt.has(t.customerId)) firstAt.set(t.customerId, t.at);
  const historyRate = settings.historyRate ?? 0.3;
  let n = 0;
  const buy = (customerId: string, at: number, value: number): Conversion => {
    const c = { id: `sim-${settings.seed}-${n++}`, customerId, at: Math.round(at), revenue: Math.round(value * 100) / 100 };
    purchases.push(c);
    return c;
  };
  for (const [customerId, first] of firstAt) {
    const traits = traitsOf(customerId);
    if (rng.next() < historyRate) buy(customerId, first - (1 + rng.next() * 29) * 24 * HOUR, orderValue(traits.value, rng));
  }
  for (const t of ordered) {
    const traits = traitsOf(t.customerId);
    const treated = t.sent && !t.holdout && !t.globalControl;
    const effect = treated ? settings.effects[t.variant] : undefined;
    const uplift = effect?.uplift ?? 0;
    const u = rng.next();
    const buys = u < traits.baseRate + uplift;
    const tipped = buys && u >= traits.baseRate;
    let clicked: number | undefined;
    if (treated) {
      const opens = tipped || rng.next() < traits.openRate;
      const clicks = tipped || (opens && rng.next() < (effect?.clickRate ?? 0.1));
      if (opens) {
        const opened = t.at + rng.next() * 6 * HOUR;
        clicked = clicks ? opened + rng.next() * HOUR : undefined;
        engagement.set(t.key, { opened, ...(clicked !== undefined ? { clicked } : {}) });
      }
    }
    if (!buys) continue;
    const end = t.at + settings.windowMs;
    const start = clicked ?? t.at;
    // Strictly inside (start, end]: a purchase at the very instant of the click is not after it.
    const at = start + 1 + rng.next() * (end - start - 1);
    const value = orderValue(traits.value * (1 + (effect?.revenueEffect ?? 0)), rng);
    const c = buy(t.customerId, at, value);
    if (clicked !== undefined) afterClick.set(t.key, [...(afterClick.get(t.key) ?? []), c]);
  }
  purchases.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { engagement, purchases, afterClick };
}

function orderValue(mean: number, rng: Rng): number {
  return mean * Math.exp(VALUE_SIGMA * rng.normal() - (VALUE_SIGMA * VALUE_SIGMA) / 2);
}

/** The true effect of a variant over an experiment's customers (both arms), from the simulation's parameters. */
export function trueEffect(
  customerIds: readonly string[],
  effect: VariantEffect | undefined,
): { conversion: number; revenuePerRecipient: number } {
  if (!effect || customerIds.length === 0) return { conversion: 0, revenuePerRecipient: 0 };
  let revenue = 0;
  for (const id of customerIds) {
    const t = traitsOf(id);
    revenue += (t.baseRate + effect.uplift) * t.value * (1 + effect.revenueEffect) - t.baseRate * t.value;
  }
  return { conversion: effect.uplift, revenuePerRecipient: revenue / customerIds.length };
}
