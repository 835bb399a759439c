/**
 * Rule AST -> a tree of JavaScript closures, compiled once and then run per customer with no AST
 * walk. Meaning is the SQL backend's, rule for rule (compiler/sql/expr.ts): two-valued logic, `!=`
 * is `not =`, `in` never matches a missing value, division by zero is missing, strings compare by
 * code point.
 */
import type { BinaryExpr, Expr } from '../../compiler/contract/core/ast.ts';
import { durationMs, resolvePath, type PathScope, type RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord, PredicateFn, ValueFn } from './context.ts';
import { compareValues, reader, toNumber, type Value } from './values.ts';
import { compileAggregate } from './aggregate.ts';
import { compileCall } from './functions.ts';
import { timestampLiteralMs } from '../../compiler/contract/core/instants.ts';
import { own } from '../../compiler/contract/core/own.ts';

export interface EvalEnv {
  schema: RuleSchema;
  scope: PathScope;
}

/** The expression's value (a boolean expression gives true/false; a boolean field may give null). */
export function compileValue(expr: Expr, env: EvalEnv): ValueFn {
  switch (expr.kind) {
    case 'number':
    case 'string':
    case 'boolean': {
      const v = expr.value;
      return () => v;
    }
    case 'null':
      return () => null;
    case 'duration': {
      const v = durationMs(expr.amount, expr.unit);
      return () => v;
    }
    case 'timestamp': {
      const v = timestampLiteralMs(expr.value);
      return () => v;
    }
    case 'list':
      throw new Error('a list is only allowed after `in`');
    case 'path':
      return compilePath(expr.segments, env);
    case 'unary': {
      if (expr.op === 'not') return compilePredicate(expr, env);
      const operand = numeric(compileValue(expr.operand, env), env);
      return (c, e) => {
        const v = operand(c, e);
        return v === null ? null : -v;
      };
    }
    case 'binary':
      return isArithmetic(expr) ? compileArithmetic(expr, env) : compilePredicate(expr, env);
    case 'call':
      return compileCall(expr, env).value;
    case 'aggregate':
      return compileAggregate(expr, env).value;
    default:
      return compilePredicate(expr, env);
  }
}

/** The expression as a predicate: true only when its value is true. */
export function compilePredicate(expr: Expr, env: EvalEnv): PredicateFn {
  switch (expr.kind) {
    case 'boolean': {
      const v = expr.value;
      return () => v;
    }
    case 'unary':
      if (expr.op === 'not') {
        const operand = compilePredicate(expr.operand, env);
        return (c, e) => !operand(c, e);
      }
      break;
    case 'binary':
      if (!isArithmetic(expr)) return compileLogicOrComparison(expr, env);
      break;
    case 'in':
      return compileIn(expr, env);
    case 'between': {
      const v = compileValue(expr.value, env);
      const low = compileValue(expr.low, env);
      const high = compileValue(expr.high, env);
      const negated = expr.negated;
      return (c, e) => {
        const x = v(c, e);
        const lo = low(c, e);
        const hi = high(c, e);
        const inside = x !== null && lo !== null && hi !== null && compareValues(x, lo) >= 0 && compareValues(x, hi) <= 0;
        return negated ? !inside : inside;
      };
    }
    case 'is_null': {
      const v = compileValue(expr.value, env);
      return expr.negated ? (c, e) => v(c, e) !== null : (c, e) => v(c, e) === null;
    }
    case 'string_match': {
      const v = compileValue(expr.value, env);
      const p = compileValue(expr.pattern, env);
      const starts = expr.op === 'starts_with';
      return (c, e) => {
        const s = v(c, e);
        const pattern = p(c, e);
        if (typeof s !== 'string' || typeof pattern !== 'string') return false;
        return starts ? s.startsWith(pattern) : s.includes(pattern);
      };
    }
    case 'call': {
      const call = compileCall(expr, env);
      if (call.predicate) return call.predicate;
      break;
    }
    case 'aggregate': {
      const agg = compileAggregate(expr, env);
      if (agg.predicate) return agg.predicate;
      break;
    }
  }
  const value = compileValue(expr, env);
  return (c, e) => value(c, e) === true;
}

function isArithmetic(expr: BinaryExpr): boolean {
  return expr.op === '+' || expr.op === '-' || expr.op === '*' || expr.op === '/';
}

function compilePath(segments: string[], env: EvalEnv): ValueFn {
  const resolved = resolvePath(segments, env.scope, env.schema);
  switch (resolved.kind) {
    case 'customer': {
      const read = reader(resolved.type);
      const field = resolved.field;
      return (c) => read(own(c.customer, field));
    }
    case 'trait': {
      const read = reader(resolved.type);
      const { trait, output } = resolved;
      return (c) => read(own(own(c.traits, trait), output));
    }
    case 'event': {
      const read = reader(resolved.type);
      const property = resolved.property;
      return (_c, e) => (e === undefined ? null : read(e[property]));
    }
    case 'row': {
      // Raw source rows: an empty cell is missing.
      const column = resolved.column;
      return (c) => {
        const raw = own(c.customer, column);
        return raw === undefined || raw === null || raw === '' ? null : (raw as Value);
      };
    }
  }
}

type NumberFn = (c: EvalContext, e: EventRecord | undefined) => number | null;

/** Numbers as numbers (in row mode source cells are text: `Quantity * UnitPrice`). */
function numeric(fn: ValueFn, env: EvalEnv): NumberFn {
  if (env.scope.kind === 'row') return (c, e) => toNumber(fn(c, e));
  return fn as NumberFn;
}

function compileArithmetic(expr: BinaryExpr, env: EvalEnv): ValueFn {
  if (expr.op === '+') return compilePlus(expr, env);
  const l = numeric(compileValue(expr.left, env), env);
  const r = numeric(compileValue(expr.right, env), env);
  switch (expr.op) {
    case '-':
      return (c, e) => {
        const a = l(c, e);
        const b = r(c, e);
        return a === null || b === null ? null : a - b;
      };
    case '*':
      return (c, e) => {
        const a = l(c, e);
        const b = r(c, e);
        return a === null || b === null ? null : a * b;
      };
    default:
      return (c, e) => {
        const a = l(c, e);
        const b = r(c, e);
        return a === null || b === null || b === 0 ? null : a / b;
      };
  }
}

/** `+` adds numbers (and durations to timestamps) and joins strings; missing if either side is. */
function compilePlus(expr: BinaryExpr, env: EvalEnv): ValueFn {
  const l = compileValue(expr.left, env);
  const r = compileValue(expr.right, env);
  const row = env.scope.kind === 'row';
  return (c, e) => {
    const a = l(c, e);
    const b = r(c, e);
    if (a === null || b === null) return null;
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    // Source cells are text: a number on either side makes it arithmetic.
    if (row && (typeof a === 'number' || typeof b === 'number')) {
      const x = toNumber(a);
      const y = toNumber(b);
      return x === null || y === null ? null : x + y;
    }
    return String(a) + String(b);
  };
}

function compileLogicOrComparison(expr: BinaryExpr, env: EvalEnv): PredicateFn {
  if (expr.op === 'and' || expr.op === 'or') {
    const l = compilePredicate(expr.left, env);
    const r = compilePredicate(expr.right, env);
    return expr.op === 'and' ? (c, e) => l(c, e) && r(c, e) : (c, e) => l(c, e) || r(c, e);
  }
  const l = compileValue(expr.left, env);
  const r = compileValue(expr.right, env);
  const coerce = env.scope.kind === 'row' && (isNumberLiteral(expr.left) || isNumberLiteral(expr.right));
  const left: ValueFn = coerce ? (c, e) => toNumber(l(c, e)) : l;
  const right: ValueFn = coerce ? (c, e) => toNumber(r(c, e)) : r;
  const literal = literalValue(expr.right);
  switch (expr.op) {
    case '=':
      if (literal !== undefined) return (c, e) => literal !== null && left(c, e) === literal;
      return (c, e) => {
        const a = left(c, e);
        return a !== null && a === right(c, e);
      };
    case '!=':
      if (literal !== undefined) return (c, e) => !(literal !== null && left(c, e) === literal);
      return (c, e) => {
        const a = left(c, e);
        return !(a !== null && a === right(c, e));
      };
    default:
      return orderComparison(expr.op, left, right, typeof literal === 'number' ? literal : undefined);
  }
}

/** The value of a literal operand (compiled once), or undefined when the operand is not a literal. */
function literalValue(expr: Expr): Value | undefined {
  switch (expr.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return expr.value;
    case 'null':
      return null;
    case 'duration':
      return durationMs(expr.amount, expr.unit);
    case 'timestamp':
      return timestampLiteralMs(expr.value);
    default:
      return undefined;
  }
}

/**
 * `< <= > >=`, false when either side is missing. Numbers (the usual case) compare directly;
 * strings go through compareStrings (code-point order); one closure per operator, no dispatch.
 */
function orderComparison(op: string, left: ValueFn, right: ValueFn, k: number | undefined): PredicateFn {
  if (k !== undefined) {
    // `x > 90`: a number on the right means a number on the left (type-checked).
    switch (op) {
      case '<':
        return (c, e) => {
          const a = left(c, e);
          return a !== null && (a as number) < k;
        };
      case '<=':
        return (c, e) => {
          const a = left(c, e);
          return a !== null && (a as number) <= k;
        };
      case '>':
        return (c, e) => {
          const a = left(c, e);
          return a !== null && (a as number) > k;
        };
      default:
        return (c, e) => {
          const a = left(c, e);
          return a !== null && (a as number) >= k;
        };
    }
  }
  const order = (a: Exclude<Value, null>, b: Exclude<Value, null>) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : compareValues(a, b);
  switch (op) {
    case '<':
      return (c, e) => {
        const a = left(c, e);
        if (a === null) return false;
        const b = right(c, e);
        return b !== null && order(a, b) < 0;
      };
    case '<=':
      return (c, e) => {
        const a = left(c, e);
        if (a === null) return false;
        const b = right(c, e);
        return b !== null && order(a, b) <= 0;
      };
    case '>':
      return (c, e) => {
        const a = left(c, e);
        if (a === null) return false;
        const b = right(c, e);
        return b !== null && order(a, b) > 0;
      };
    default:
      return (c, e) => {
        const a = left(c, e);
        if (a === null) return false;
        const b = right(c, e);
        return b !== null && order(a, b) >= 0;
      };
  }
}

function isNumberLiteral(expr: Expr): boolean {
  return expr.kind === 'number';
}

function compileIn(expr: Extract<Expr, { kind: 'in' }>, env: EvalEnv): PredicateFn {
  if (expr.list.kind !== 'list') throw new Error('`in` takes a list literal');
  const v = compileValue(expr.value, env);
  const items = expr.list.items.filter((i) => i.kind !== 'null').map((i) => compileValue(i, env));
  const negated = expr.negated;
  // All-literal lists (the usual case) become a Set lookup.
  const literals = expr.list.items.every((i) => i.kind === 'string' || i.kind === 'number' || i.kind === 'boolean' || i.kind === 'null');
  if (literals) {
    const set = new Set<Value>(items.map((f) => f({ asOf: 0, customer: {} }, undefined)));
    set.delete(null);
    return (c, e) => {
      const x = v(c, e);
      const member = x !== null && set.has(x);
      return negated ? !member : member;
    };
  }
  return (c, e) => {
    const x = v(c, e);
    let member = false;
    if (x !== null) for (const item of items) if (item(c, e) === x) member = true;
    return negated ? !member : member;
  };
}
