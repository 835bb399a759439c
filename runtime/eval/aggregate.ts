/**
 * Event aggregates over one customer's events, with the SQL backend's meaning
 * (compiler/sql/aggregate.ts): only events with at <= as_of exist (`within next` looks after it),
 * windows are inclusive as documented there, count of none is 0, exists false, sum of none 0,
 * avg/min/max of none missing, missing property values skipped, first/last by (at, id).
 */
import type { AggregateExpr } from '../../compiler/contract/core/ast.ts';
import { durationMs, eventPropertyType } from '../../compiler/contract/core/rule-paths.ts';
import { eventsOfType, type EvalContext, type EventRecord, type PredicateFn, type ValueFn } from './context.ts';
import { compilePredicate, type EvalEnv } from './compile.ts';
import { compareStrings, compareValues, reader, type Value } from './values.ts';
import { own } from '../../compiler/contract/core/own.ts';

export interface CompiledAggregate {
  value: ValueFn;
  /** Set for `exists`, which is a predicate. */
  predicate?: PredicateFn;
}

/**
 * Window bounds for one evaluation: events with low <= at <= high count. `within next` excludes
 * as_of itself; event times are whole milliseconds, so that is low = as_of + 1.
 */
interface Window {
  low(ctx: EvalContext): number;
  high(ctx: EvalContext): number;
}

export function compileAggregate(expr: AggregateExpr, env: EvalEnv): CompiledAggregate {
  const type = expr.event;
  const { low, high } = windowOf(expr);
  const filter = expr.where ? compilePredicate(expr.where, { schema: env.schema, scope: { kind: 'event', event: type } }) : undefined;

  const propertyReader = (name: string) => {
    const t = eventPropertyType(env.schema, type, name);
    if (!t) throw new Error(`\`${name}\` is not a property of event \`${type}\``);
    const read = reader(t);
    return (e: EventRecord) => read(own(e, name));
  };

  // Each aggregate is its own loop (no per-evaluation closures or allocations: this is the hot path).
  switch (expr.fn) {
    case 'count':
      return {
        value: (ctx) => {
          const lo = low(ctx);
          const hi = high(ctx);
          let n = 0;
          for (const e of eventsOfType(ctx, type)) {
            const at = e.at;
            if (at >= lo && at <= hi && (!filter || filter(ctx, e))) n++;
          }
          return n;
        },
      };
    case 'exists': {
      const predicate: PredicateFn = (ctx) => {
        const lo = low(ctx);
        const hi = high(ctx);
        for (const e of eventsOfType(ctx, type)) {
          const at = e.at;
          if (at >= lo && at <= hi && (!filter || filter(ctx, e))) return true;
        }
        return false;
      };
      return { value: predicate, predicate };
    }
    case 'sum':
    case 'avg': {
      const read = propertyReader(expr.property!);
      const avg = expr.fn === 'avg';
      return {
        value: (ctx) => {
          const lo = low(ctx);
          const hi = high(ctx);
          // Kahan-Babuska-Neumaier summation, as SQLite's sum()/avg() do (3.43+): the same result
          // for the same values, and order hardly matters (PostgreSQL's plain float sum may still
          // differ in the last bit for values that are not exactly representable).
          let sum = 0;
          let err = 0;
          let n = 0;
          for (const e of eventsOfType(ctx, type)) {
            const at = e.at;
            if (at < lo || at > hi || (filter && !filter(ctx, e))) continue;
            const v = read(e) as number | null;
            if (v === null) continue;
            const t = sum + v;
            err += Math.abs(sum) > Math.abs(v) ? sum - t + v : v - t + sum;
            sum = t;
            n++;
          }
          const total = sum + err;
          return avg ? (n === 0 ? null : total / n) : total;
        },
      };
    }
    case 'min':
    case 'max': {
      const read = propertyReader(expr.property ?? 'at');
      const sign = expr.fn === 'min' ? -1 : 1;
      return {
        value: (ctx) => {
          const lo = low(ctx);
          const hi = high(ctx);
          let best: Value = null;
          for (const e of eventsOfType(ctx, type)) {
            const at = e.at;
            if (at < lo || at > hi || (filter && !filter(ctx, e))) continue;
            const v = read(e);
            if (v !== null && (best === null || sign * compareValues(v, best) > 0)) best = v;
          }
          return best;
        },
      };
    }
    case 'first':
    case 'last': {
      const read = propertyReader(expr.field ?? 'at');
      const sign = expr.fn === 'first' ? -1 : 1;
      return {
        value: (ctx) => {
          const lo = low(ctx);
          const hi = high(ctx);
          let best: EventRecord | undefined;
          for (const e of eventsOfType(ctx, type)) {
            const at = e.at;
            if (at < lo || at > hi || (filter && !filter(ctx, e))) continue;
            if (best === undefined || sign * compareEvents(e, best) > 0) best = e;
          }
          return best === undefined ? null : read(best);
        },
      };
    }
  }
}

/** Event order: by time, then by id (code-point order, as SQL's COLLATE "C"/BINARY). */
function compareEvents(a: EventRecord, b: EventRecord): number {
  return a.at !== b.at ? a.at - b.at : compareStrings(String(a.id), String(b.id));
}

function windowOf(expr: AggregateExpr): Window {
  const window = expr.window;
  if (!window) return { low: () => -Infinity, high: (ctx) => ctx.asOf };
  if (window.kind === 'past') {
    const ms = durationMs(window.duration.amount, window.duration.unit);
    return { low: (ctx) => ctx.asOf - ms, high: (ctx) => ctx.asOf };
  }
  if (window.kind === 'next') {
    const ms = durationMs(window.duration.amount, window.duration.unit);
    return { low: (ctx) => ctx.asOf + 1, high: (ctx) => ctx.asOf + ms };
  }
  // Outside a journey there is no entry: nothing is "since entry".
  return { low: (ctx) => ctx.entryAt ?? Infinity, high: (ctx) => ctx.asOf };
}
