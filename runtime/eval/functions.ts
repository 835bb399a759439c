/**
 * Rule functions in the evaluator, with the SQL backend's meaning (compiler/sql/functions.ts).
 */
import type { CallExpr } from '../../compiler/contract/core/ast.ts';
import { MS_PER_DAY } from '../../compiler/contract/core/rule-paths.ts';
import type { PredicateFn, ValueFn } from './context.ts';
import { compilePredicate, compileValue, type EvalEnv } from './compile.ts';
import { toNumber } from './values.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { isSubscribed } from './subscribed.ts';
import { nameArgument } from '../../compiler/contract/core/name-argument.ts';

export interface CompiledCall {
  value: ValueFn;
  /** Set for functions that are predicates (in_segment, subscribed). */
  predicate?: PredicateFn;
}

export function compileCall(expr: CallExpr, env: EvalEnv): CompiledCall {
  const args = expr.args;
  const arg = (i: number) => compileValue(args[i]!, env);
  switch (expr.name) {
    case 'days_since': {
      const t = arg(0);
      return {
        value: (c, e) => {
          const v = toNumber(t(c, e));
          return v === null ? null : (c.asOf - v) / MS_PER_DAY;
        },
      };
    }
    case 'lower':
    case 'upper': {
      const s = arg(0);
      const lower = expr.name === 'lower';
      return {
        value: (c, e) => {
          const v = s(c, e);
          return typeof v !== 'string' ? null : lower ? v.toLowerCase() : v.toUpperCase();
        },
      };
    }
    case 'abs': {
      const x = arg(0);
      return {
        value: (c, e) => {
          const v = toNumber(x(c, e));
          return v === null ? null : Math.abs(v);
        },
      };
    }
    case 'round': {
      const x = arg(0);
      const digits = args[1] ? arg(1) : undefined;
      return {
        value: (c, e) => {
          const v = toNumber(x(c, e));
          if (v === null) return null;
          // Halves away from zero, the same formula as the SQL: sign(x) * floor(|x| * 10^d + 0.5) / 10^d.
          let magnitude: number;
          if (digits) {
            const d = toNumber(digits(c, e));
            if (d === null) return null;
            const scale = Math.pow(10, d);
            magnitude = Math.floor(Math.abs(v) * scale + 0.5) / scale;
          } else magnitude = Math.floor(Math.abs(v) + 0.5);
          return v < 0 ? -magnitude : magnitude;
        },
      };
    }
    case 'coalesce': {
      const fns = args.map((_, i) => arg(i));
      return {
        value: (c, e) => {
          for (const f of fns) {
            const v = f(c, e);
            if (v !== null) return v;
          }
          return null;
        },
      };
    }
    case 'if': {
      const cond = compilePredicate(args[0]!, env);
      const then = arg(1);
      const otherwise = arg(2);
      return { value: (c, e) => (cond(c, e) ? then(c, e) : otherwise(c, e)) };
    }
    case 'in_segment': {
      const a = args[0];
      const name = a?.kind === 'path' ? a.segments.join('.') : a?.kind === 'string' ? a.value : undefined;
      if (!name) throw new Error('in_segment() takes a segment name');
      const predicate: PredicateFn = (c) => {
        if (!c.inSegment) throw new Error(`in_segment(${name}) needs segment lookups in the evaluation context`);
        return c.inSegment(name, c);
      };
      return { value: predicate, predicate };
    }
    case 'score':
    case 'tier': {
      const a = args[0];
      const model = a?.kind === 'path' ? a.segments.join('.') : a?.kind === 'string' ? a.value : undefined;
      if (!model) throw new Error(`${expr.name}() takes a model name`);
      return expr.name === 'score' ? { value: (c) => toNumber(own(c.scores, model)) } : { value: (c) => own(c.tiers, model) ?? null };
    }
    case 'subscribed': {
      const topic = nameArgument(args[0]);
      if (topic === undefined) throw new Error('subscribed() takes a topic name');
      const predicate: PredicateFn = (c) => isSubscribed(c, topic);
      return { value: predicate, predicate };
    }
    default:
      throw new Error(`unknown function \`${expr.name}\``);
  }
}
