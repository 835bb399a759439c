/**
 * Event aggregates over one customer's events, with the SQL backend's meaning
 * (compiler/sql/aggregate.ts): only events with at <= as_of exist (`within next` looks after it),
 * windows are inclusive as documented there, count of none is 0, exists false, sum of none 0,
 * avg/min/max of none missing, missing property values skipped, first/last by (at, id).
 */
import type { AggregateExpr } from '../../compiler/types/ast.ts';
import { durationMs, eventPropertyType } from '../../compiler/types/rule-paths.ts';
import { eventsOfType, type EvalContext, type EventRecord, type PredicateFn, type ValueFn } from './context.ts';
import { compilePredicate, type EvalEnv } from './compile.ts';
import { compareStrings, compareValues, reader, type Value } from './values.ts';

export interface CompiledAggregate {
  value: ValueFn;
  /** Set for `exists`, which is a predicate. */
  predicate?: PredicateFn;
}

type Bounds = (ctx: EvalContext) => [low: number, lowInclusive: boolean, high: number];

export function compileAggregate(expr: AggregateExpr, env: EvalEnv): CompiledAggregate {
  const type = expr.event;
  const bounds = windowBounds(expr);
  const filter = expr.where ? compilePredicate(expr.where, { schema: env.schema, scope: { kind: 'event', event: type } }) : undefined;

  /** Calls `visit` for every event of the type inside the window that passes the filter. */
  const each = (ctx: EvalContext, visit: (e: EventRecord) => void): void => {
    const [low, lowInclusive, high] = bounds(ctx);
    for (const e of eventsOfType(ctx, type)) {
      const at = e.at;
      if (at > high || at < low || (!lowInclusive && at === low)) continue;
      if (filter && !filter(ctx, e)) continue;
      visit(e);
    }
  };

  const propertyReader = (name: string) => {
    const t = eventPropertyType(env.schema, type, name);
    if (!t) throw new Error(`\`${name}\` is not a property of event \`${type}\``);
    const read = reader(t);
    return (e: EventRecord) => read(e[name]);
  };

  switch (expr.fn) {
    case 'count':
      return {
        value: (ctx) => {
          let n = 0;
          each(ctx, () => n++);
          return n;
        },
      };
    case 'exists': {
      const predicate: PredicateFn = (ctx) => {
        const [low, lowInclusive, high] = bounds(ctx);
        for (const e of eventsOfType(ctx, type)) {
          const at = e.at;
          if (at > high || at < low || (!lowInclusive && at === low)) continue;
          if (!filter || filter(ctx, e)) return true;
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
          let sum = 0;
          let n = 0;
          each(ctx, (e) => {
            const v = read(e) as number | null;
            if (v !== null) {
              sum += v;
              n++;
            }
          });
          return avg ? (n === 0 ? null : sum / n) : sum;
        },
      };
    }
    case 'min':
    case 'max': {
      const read = propertyReader(expr.property ?? 'at');
      const sign = expr.fn === 'min' ? -1 : 1;
      return {
        value: (ctx) => {
          let best: Value = null;
          each(ctx, (e) => {
            const v = read(e);
            if (v !== null && (best === null || sign * compareValues(v, best) > 0)) best = v;
          });
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
          let best: EventRecord | undefined;
          each(ctx, (e) => {
            if (best === undefined || sign * compareEvents(e, best) > 0) best = e;
          });
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

function windowBounds(expr: AggregateExpr): Bounds {
  const window = expr.window;
  if (!window) return (ctx) => [-Infinity, true, ctx.asOf];
  if (window.kind === 'past') {
    const ms = durationMs(window.duration.amount, window.duration.unit);
    return (ctx) => [ctx.asOf - ms, true, ctx.asOf];
  }
  if (window.kind === 'next') {
    const ms = durationMs(window.duration.amount, window.duration.unit);
    return (ctx) => [ctx.asOf, false, ctx.asOf + ms];
  }
  return (ctx) => [ctx.entryAt ?? Infinity, true, ctx.asOf];
}
