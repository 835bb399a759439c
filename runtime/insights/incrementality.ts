import { createHash } from 'node:crypto';
import { seededRng } from '../models/rng.ts';
import { groupBy, type Conversion, type InsightData, type Touch } from './data.ts';
import { meanDifference, rateDifference, type Interval, type RateDifference } from './stats.ts';

/**
 * Incrementality: what a journey, a campaign or an experiment's variant caused, measured against
 * customers randomly kept from it (an experiment's holdout, or the workspace's global control
 * group). The unit is the customer: each one's first assignment in the scope is their reference
 * instant, and their outcome is whether they converted, and how much revenue they brought, within
 * the window after it, whatever they were sent (intent to treat: a send a gate stopped still
 * counts as treated, so both groups stay random). The effect is the treated group's mean minus
 * the control group's, with a 95% interval: a normal interval for the conversion rate, a percentile
 * bootstrap over customers for revenue per recipient. With more than two variants the intervals
 * are widened for the number of comparisons (Bonferroni).
 */
export interface IncrementalityOptions {
  windowMs: number;
  /** What one email costs, for the ROI; none when not configured. */
  costPerEmail?: number;
  /** Customers in the global control group (excluded from experiment arms, the control of whole origins). */
  inControl: (customerId: string) => boolean;
  resamples?: number;
}

export interface Arm {
  variant: string;
  control: boolean;
  recipients: number;
  /** Messages that went out to the arm. */
  sent: number;
  converted: number;
  revenue: number;
}

export interface Effect {
  variant: string;
  /** `holdout` or `global_control`. */
  against: string;
  conversion: RateDifference;
  revenuePerRecipient: Interval;
  /** revenue per recipient × the treated recipients: what the arm earned that the control did not. */
  incrementalRevenue: Interval;
  /** (incremental revenue − cost) / cost, with the interval of the revenue; absent without a cost per email. */
  roi?: Interval & { cost: number };
  /** The conversion interval excludes 0. */
  significant: boolean;
}

export interface Scope {
  /** `workspace` for the whole programme against the global control group. */
  kind: 'journey' | 'campaign' | 'workspace';
  name: string;
  experiment?: string;
  arms: Arm[];
  effects: Effect[];
  /** The number of comparisons the intervals are corrected for (1: none). */
  comparisons: number;
}

export function incrementality(data: InsightData, given: IncrementalityOptions): Scope[] {
  // Membership is a hash per customer, asked several times per touch: once per customer is enough.
  const known = new Map<string, boolean>();
  const inControl = (id: string) => {
    let v = known.get(id);
    if (v === undefined) known.set(id, (v = given.inControl(id)));
    return v;
  };
  const options = { ...given, inControl };
  const conversions = conversionsByCustomer(data.conversions);
  const scopes: Scope[] = [];
  const byOrigin = groupBy(data.touches, (t) => `${t.originKind}\u0000${t.originName}`);
  for (const [key, touches] of [...byOrigin].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [kind, name] = key.split('\u0000') as ['journey' | 'campaign', string];
    const experiments = groupBy(
      touches.filter((t) => t.experiment !== undefined && !options.inControl(t.customerId)),
      (t) => t.experiment!,
    );
    for (const [experiment, members] of [...experiments].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!members.some((t) => t.holdout)) continue;
      const arms = groupBy(firstPerCustomer(members), (t) => (t.holdout ? 'holdout' : t.variant));
      scopes.push(compare({ kind, name, experiment }, arms, 'holdout', conversions, options));
    }
    const scope = wholeAgainstControl({ kind, name }, touches, conversions, options);
    if (scope) scopes.push(scope);
  }
  const whole = wholeAgainstControl({ kind: 'workspace', name: 'all journeys and campaigns' }, data.touches, conversions, options);
  if (whole) scopes.push(whole);
  return scopes;
}

/** Everyone the scope reached (any variant) against its customers in the global control group. */
function wholeAgainstControl(
  scope: Pick<Scope, 'kind' | 'name'>,
  touches: readonly Touch[],
  conversions: Map<string, Conversion[]>,
  options: IncrementalityOptions,
): Scope | undefined {
  const first = firstPerCustomer(touches);
  if (!first.some((t) => options.inControl(t.customerId))) return undefined;
  const arms = groupBy(first, (t) => (options.inControl(t.customerId) ? 'global_control' : 'all'));
  if (!arms.has('all')) return undefined;
  const sent = groupBy(touches, (t) => t.customerId);
  return compare(scope, arms, 'global_control', conversions, options, (id) => sent.get(id)?.filter((t) => t.sent).length ?? 0);
}

function compare(
  scope: Pick<Scope, 'kind' | 'name' | 'experiment'>,
  groups: Map<string, Touch[]>,
  control: string,
  conversions: Map<string, Conversion[]>,
  options: IncrementalityOptions,
  sentOf?: (customerId: string) => number,
): Scope {
  const outcomes = new Map<string, { arm: Arm; converted: Uint8Array; revenue: Float64Array }>();
  for (const [variant, firsts] of groups) {
    const converted = new Uint8Array(firsts.length);
    const revenue = new Float64Array(firsts.length);
    let sent = 0;
    firsts.forEach((t, i) => {
      const [did, amount] = outcome(conversions.get(t.customerId), t.at, options.windowMs);
      converted[i] = did ? 1 : 0;
      revenue[i] = amount;
      sent += sentOf ? sentOf(t.customerId) : t.sent ? 1 : 0;
    });
    let x = 0;
    let r = 0;
    for (let i = 0; i < firsts.length; i++) {
      x += converted[i]!;
      r += revenue[i]!;
    }
    outcomes.set(variant, {
      arm: { variant, control: variant === control, recipients: firsts.length, sent, converted: x, revenue: r },
      converted,
      revenue,
    });
  }
  const arms = [...outcomes.values()]
    .map((o) => o.arm)
    .sort((a, b) => (a.control !== b.control ? (a.control ? 1 : -1) : a.variant < b.variant ? -1 : 1));
  const treatedArms = arms.filter((a) => !a.control);
  // A/B/n: more than two variants compared with one control is a family of tests.
  const comparisons = treatedArms.length > 2 ? treatedArms.length : 1;
  const base = outcomes.get(control);
  const effects: Effect[] = [];
  if (base && base.arm.recipients > 0) {
    for (const arm of treatedArms) {
      const treated = outcomes.get(arm.variant)!;
      const conversion = rateDifference(arm.converted, arm.recipients, base.arm.converted, base.arm.recipients, { comparisons })!;
      const rng = seededRng(seedOf(`${scope.kind}/${scope.name}/${scope.experiment ?? ''}/${arm.variant}`));
      const perRecipient = meanDifference(treated.revenue, base.revenue, rng, { comparisons }, options.resamples)!;
      const n = arm.recipients;
      const incrementalRevenue = {
        ...perRecipient,
        estimate: perRecipient.estimate * n,
        low: perRecipient.low * n,
        high: perRecipient.high * n,
      };
      const effect: Effect = {
        variant: arm.variant,
        against: control,
        conversion,
        revenuePerRecipient: perRecipient,
        incrementalRevenue,
        significant: conversion.low > 0 || conversion.high < 0,
      };
      if (options.costPerEmail !== undefined && options.costPerEmail > 0 && arm.sent > 0) {
        const cost = arm.sent * options.costPerEmail;
        const roi = (v: number) => (v - cost) / cost;
        effect.roi = {
          estimate: roi(incrementalRevenue.estimate),
          low: roi(incrementalRevenue.low),
          high: roi(incrementalRevenue.high),
          confidence: perRecipient.confidence,
          cost,
        };
      }
      effects.push(effect);
    }
  }
  return { ...scope, arms, effects, comparisons };
}

/** Each customer's earliest touch (their reference instant in the scope). */
function firstPerCustomer(touches: readonly Touch[]): Touch[] {
  const first = new Map<string, Touch>();
  for (const t of touches) {
    const seen = first.get(t.customerId);
    if (!seen || t.at < seen.at || (t.at === seen.at && t.key < seen.key)) first.set(t.customerId, t);
  }
  // No order needed: the bootstrap sorts what it resamples, so the result does not depend on it.
  return [...first.values()];
}

/** Whether the customer converted in (at, at + window], and the revenue of those conversions. */
function outcome(list: Conversion[] | undefined, at: number, windowMs: number): [boolean, number] {
  if (!list) return [false, 0];
  let i = firstAfter(list, at);
  let revenue = 0;
  let any = false;
  for (; i < list.length && list[i]!.at <= at + windowMs; i++) {
    any = true;
    revenue += list[i]!.revenue;
  }
  return [any, revenue];
}

/** The index of the first conversion strictly after `at` (the list is ascending). */
function firstAfter(list: readonly Conversion[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function conversionsByCustomer(conversions: readonly Conversion[]): Map<string, Conversion[]> {
  const out = groupBy(conversions, (c) => c.customerId);
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

/** A 32-bit seed from a name: the same report gives the same bootstrap on every run. */
function seedOf(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32LE(0);
}
