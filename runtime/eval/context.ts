/**
 * What the evaluator reads for one customer (or, in row mode, one raw source row).
 */
import type { Value } from './values.ts';
import type { SubscriptionRows } from '../../compiler/contract/subscriptions.ts';

/** One event as stored (the events table row): properties are flat columns. */
export interface EventRecord {
  id: string;
  type: string;
  /** Epoch milliseconds. */
  at: number;
  [property: string]: unknown;
}

export interface EvalContext {
  /** The "as of" instant, epoch milliseconds. Events after it do not exist (except `within next`). */
  asOf: number;
  /** The customer's fields by name (`id` included). */
  customer: Readonly<Record<string, unknown>>;
  /** Trait name -> output column -> value (`value` for a one-output trait). */
  traits?: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  /** The customer's events, any order. */
  events?: readonly EventRecord[];
  /** Whether the customer is in a segment (in_segment); see RuleSet for the usual implementation. */
  inSegment?: (name: string, ctx: EvalContext) => boolean;
  /** Model scores and tiers by model name. */
  scores?: Readonly<Record<string, number | null | undefined>>;
  tiers?: Readonly<Record<string, string | null | undefined>>;
  /** The customer's subscription rows, for `subscribed("topic")`; absent: none (subscribed to every topic). */
  subscriptions?: SubscriptionRows;
  /** Journey entry instant (epoch ms), for `within since_entry`. */
  entryAt?: number;
  /** Cache the evaluator fills in (events by type, segment results); leave unset. */
  cache?: EvalCache;
}

export interface EvalCache {
  byType?: Map<string, EventRecord[]>;
  segments?: Map<string, boolean>;
}

/** The customer's events of one type (computed once per context). */
export function eventsOfType(ctx: EvalContext, type: string): readonly EventRecord[] {
  const cache = (ctx.cache ??= {});
  let byType = cache.byType;
  if (!byType) {
    byType = new Map();
    for (const e of ctx.events ?? []) {
      const list = byType.get(e.type);
      if (list) list.push(e);
      else byType.set(e.type, [e]);
    }
    cache.byType = byType;
  }
  return byType.get(type) ?? NO_EVENTS;
}

const NO_EVENTS: readonly EventRecord[] = Object.freeze([]);

/** A compiled expression: returns its value for a context (and the current event inside a `where`). */
export type ValueFn = (ctx: EvalContext, event: EventRecord | undefined) => Value;
/** A compiled predicate: always a boolean (two-valued logic). */
export type PredicateFn = (ctx: EvalContext, event: EventRecord | undefined) => boolean;
