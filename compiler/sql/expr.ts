/**
 * Rule expression -> Kysely SQL. Every boolean is compiled as a two-valued predicate (never NULL),
 * so SQL's three-valued logic never shows: a comparison with a missing value is false, `not` of it
 * is true, `!=` is `not =`, `in` never matches a missing value (and `not in` is `not (in)`), only
 * `is null` sees missing. Values are bound parameters; identifiers come only from the data model.
 */
import { sql, type RawBuilder } from 'kysely';
import type { BinaryExpr, Expr } from '../contract/core/ast.ts';
import type { RuleValueType } from '../contract/compiled-sql.ts';
import { durationMs, resolvePath } from '../contract/core/rule-paths.ts';
import { freshAlias, type SqlContext } from './context.ts';
import { typeOf } from './types.ts';
import { compileAggregate } from './aggregate.ts';
import { compileCall } from './functions.ts';
import { boundInstant, daysSinceBound } from './days-since-bound.ts';
import { timestampLiteralMs } from '../contract/core/instants.ts';
import { own } from '../contract/core/own.ts';

type Sql = RawBuilder<unknown>;

/** A compiled expression: a predicate (boolean, never NULL) or a value (may be NULL). */
export interface Compiled {
  sql: Sql;
  predicate: boolean;
  type: RuleValueType;
}

const value = (s: Sql, type: RuleValueType): Compiled => ({ sql: s, predicate: false, type });
const predicate = (s: Sql): Compiled => ({ sql: s, predicate: true, type: 'boolean' });

/** The expression as a predicate: false when missing. */
export function compilePredicate(expr: Expr, ctx: SqlContext): Sql {
  return asPredicate(compileExpr(expr, ctx), ctx);
}

/** The expression as a value (a predicate becomes 0/1 on SQLite, BOOLEAN on PostgreSQL). */
export function compileValue(expr: Expr, ctx: SqlContext): Sql {
  return operand(compileExpr(expr, ctx));
}

/** A compiled expression as an operand: predicates are parenthesized so operator precedence never bites. */
export function operand(c: Compiled): Sql {
  return c.predicate ? sql`(${c.sql})` : c.sql;
}

export function asPredicate(c: Compiled, ctx: SqlContext): Sql {
  return c.predicate ? c.sql : ctx.dialect.truthy(c.sql);
}

/**
 * The expression as a filter: a condition that only decides whether a row is kept or a branch
 * taken (WHERE, CASE WHEN), where NULL counts as false. Under `and`/`or` alone SQL's three-valued
 * result is true exactly when the two-valued one is (and/or are monotone, and a missing comparison
 * is false in both), so the guards that keep a predicate two-valued can be left out of the
 * comparisons at the top: the database sees plain `price > 100`, which it can estimate and serve
 * from an index. Whatever sits under `not`, or is used as a value, keeps its guards.
 */
export function compileFilter(expr: Expr, ctx: SqlContext): Sql {
  const c = compileExpr(expr, { ...ctx, filter: true });
  return c.predicate ? c.sql : sql`${c.sql} = ${ctx.dialect.constant(true)}`;
}

export function compileExpr(expr: Expr, context: SqlContext): Compiled {
  // A filter position applies to this node only (and to and/or operands, passed on explicitly).
  const filter = context.filter === true;
  const ctx = filter ? { ...context, filter: false } : context;
  const d = ctx.dialect;
  switch (expr.kind) {
    case 'number':
      return value(d.number(expr.value), 'number');
    case 'string':
      return value(d.string(expr.value), 'string');
    case 'boolean':
      return value(d.boolean(expr.value), 'boolean');
    case 'null':
      return value(sql`null`, 'null');
    case 'duration':
      return value(d.millis(durationMs(expr.amount, expr.unit)), 'duration');
    case 'timestamp':
      return value(d.millis(timestampLiteralMs(expr.value)), 'timestamp');
    case 'list':
      throw new Error('a list is only allowed after `in`');
    case 'path':
      return compilePath(expr.segments, ctx);
    case 'unary':
      if (expr.op === 'not') return predicate(sql`not (${compilePredicate(expr.operand, ctx)})`);
      return value(sql`(- ${compileValue(expr.operand, ctx)})`, typeOf(expr, ctx.scope, ctx.options.schema));
    case 'binary':
      return compileBinary(expr, ctx, filter);
    case 'in':
      return compileIn(expr, ctx, filter);
    case 'between': {
      // `days_since(t) between a and b` as two bounds on t itself (see days-since-bound.ts).
      const lowBound = daysSinceBound({ kind: 'binary', op: '>=', left: expr.value, right: expr.low, span: expr.span }, ctx);
      const highBound = daysSinceBound({ kind: 'binary', op: '<=', left: expr.value, right: expr.high, span: expr.span }, ctx);
      if (lowBound && highBound) {
        const t = compileExpr(lowBound.instant, ctx);
        const guard = !filter || expr.negated;
        const inside = sql`${comparison(lowBound.op, t, boundInstant(lowBound, ctx), ctx, guard)} and ${comparison(highBound.op, t, boundInstant(highBound, ctx), ctx, guard)}`;
        return predicate(expr.negated ? sql`not (${inside})` : sql`(${inside})`);
      }
      const v = compileExpr(expr.value, ctx);
      const low = compileExpr(expr.low, ctx);
      const high = compileExpr(expr.high, ctx);
      const guard = !filter || expr.negated;
      const inside = sql`${comparison('>=', v, low, ctx, guard)} and ${comparison('<=', v, high, ctx, guard)}`;
      return predicate(expr.negated ? sql`not (${inside})` : sql`(${inside})`);
    }
    case 'is_null': {
      const c = compileExpr(expr.value, ctx);
      // A predicate is never missing.
      if (c.predicate) return predicate(d.constant(expr.negated));
      return predicate(expr.negated ? sql`${c.sql} is not null` : sql`${c.sql} is null`);
    }
    case 'string_match': {
      const v = compileValue(expr.value, ctx);
      const p = compileValue(expr.pattern, ctx);
      // Literal matching (no LIKE, so `%` and `_` in the pattern are plain characters).
      const match = expr.op === 'contains' ? d.contains(v, p) : sql`substr(${v}, 1, length(${p})) = ${p}`;
      return predicate(filter ? match : d.orFalse(match));
    }
    case 'call':
      return compileCall(expr, ctx, filter);
    case 'aggregate':
      return compileAggregate(expr, ctx);
  }
}

function compilePath(segments: string[], ctx: SqlContext): Compiled {
  const resolved = resolvePath(segments, ctx.scope, ctx.options.schema);
  switch (resolved.kind) {
    case 'customer':
      return value(
        readColumn(ctx, ctx.customerAlias, resolved.field, resolved.type, customerFieldType(ctx, resolved.field)),
        resolved.type,
      );
    case 'event': {
      const alias = ctx.eventAlias;
      if (!alias) throw new Error(`event property \`${resolved.property}\` outside an aggregate`);
      return value(readColumn(ctx, alias, resolved.property, resolved.type, eventFieldType(ctx, resolved.property)), resolved.type);
    }
    case 'trait': {
      // Keyed by customer_id like everything else: one primary-key lookup per customer.
      const t = freshAlias(ctx, 't');
      const table = `trait_${resolved.trait}`;
      return value(
        sql`(select ${sql.id(t, resolved.output)} from ${sql.id(table)} as ${sql.id(t)} where ${sql.id(t, 'customer_id')} = ${sql.id(ctx.customerAlias, 'id')})`,
        resolved.type,
      );
    }
    case 'row':
      throw new Error('source-row expressions are evaluated by the ingest runtime, not compiled to SQL');
  }
}

/** `integer` fields are stored as BIGINT: read them as doubles so arithmetic never overflows or truncates. */
function readColumn(ctx: SqlContext, alias: string, column: string, type: RuleValueType, fieldType: string | undefined): Sql {
  const ref = sql.id(alias, column);
  return type === 'number' && fieldType === 'integer' ? ctx.dialect.toDouble(ref) : ref;
}

function customerFieldType(ctx: SqlContext, field: string): string | undefined {
  return own(ctx.options.schema.dataModel.customers.fields, field)?.type;
}

function eventFieldType(ctx: SqlContext, property: string): string | undefined {
  if (ctx.scope.kind !== 'event') return undefined;
  return own(own(ctx.options.schema.dataModel.events, ctx.scope.event), property)?.type;
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function compileBinary(expr: BinaryExpr, ctx: SqlContext, filter: boolean): Compiled {
  if (expr.op === 'and' || expr.op === 'or') {
    const side = filter ? compileFilter : compilePredicate;
    const l = side(expr.left, ctx);
    const r = side(expr.right, ctx);
    return predicate(expr.op === 'and' ? sql`(${l} and ${r})` : sql`(${l} or ${r})`);
  }
  const bound = daysSinceBound(expr, ctx);
  if (bound) return predicate(comparison(bound.op, compileExpr(bound.instant, ctx), boundInstant(bound, ctx), ctx, !filter));
  const left = compileExpr(expr.left, ctx);
  const right = compileExpr(expr.right, ctx);
  if (COMPARISONS.has(expr.op)) return predicate(comparison(expr.op, left, right, ctx, !filter));
  const [l, r] = [operand(left), operand(right)];
  const type = typeOf(expr, ctx.scope, ctx.options.schema);
  switch (expr.op) {
    case '+':
      // `string + string` joins (missing if either is missing, as `||` does in both dialects).
      return value(type === 'string' ? sql`(${l} || ${r})` : sql`(${l} + ${r})`, type);
    case '-':
      return value(sql`(${l} - ${r})`, type);
    case '*':
      return value(sql`(${l} * ${r})`, type);
    case '/':
      // Floating division; dividing by zero gives missing (never an error, never Infinity).
      return value(sql`(${ctx.dialect.toDouble(l)} / nullif(${r}, 0))`, type);
    default:
      throw new Error(`unknown operator \`${expr.op}\``);
  }
}

/**
 * A two-valued comparison: false when either side is missing; `!=` is `not =`. With `guard` false
 * (a filter position, see compileFilter) the comparison may be NULL where it is false.
 */
export function comparison(op: string, left: Compiled, right: Compiled, ctx: SqlContext, guard = true): Sql {
  const d = ctx.dialect;
  if (left.type === 'null' || right.type === 'null') return op === '!=' ? d.constant(true) : d.constant(false);
  const strings = left.type === 'string' || right.type === 'string';
  const l = strings && op !== '=' && op !== '!=' ? d.ordered(operand(left)) : operand(left);
  const r = operand(right);
  const guarded = (p: Sql) => (guard ? d.orFalse(p) : p);
  switch (op) {
    case '=':
      return guarded(sql`${l} = ${r}`);
    case '!=':
      // Holds for a missing side: never without its guard.
      return sql`not ${d.orFalse(sql`${l} = ${r}`)}`;
    case '<':
      return guarded(sql`${l} < ${r}`);
    case '<=':
      return guarded(sql`${l} <= ${r}`);
    case '>':
      return guarded(sql`${l} > ${r}`);
    case '>=':
      return guarded(sql`${l} >= ${r}`);
    default:
      throw new Error(`unknown comparison \`${op}\``);
  }
}

function compileIn(expr: Extract<Expr, { kind: 'in' }>, ctx: SqlContext, filter: boolean): Compiled {
  if (expr.list.kind !== 'list') throw new Error('`in` takes a list literal');
  // Null items can never match, so they are dropped at compile time.
  const written = expr.list.items.filter((i) => i.kind !== 'null');
  const v = compileValue(expr.value, ctx);
  const literals = written.length > BOUND_LIST_LIMIT ? literalList(written) : undefined;
  const test = literals
    ? ctx.dialect.inJsonList(v, JSON.stringify(literals.values), literals.type)
    : sql`${v} in (${sql.join(written.map((i) => compileValue(i, ctx)))})`;
  const member = written.length === 0 ? ctx.dialect.constant(false) : filter && !expr.negated ? test : ctx.dialect.orFalse(test);
  return predicate(expr.negated ? sql`not ${member}` : member);
}

/**
 * Past this many items a literal `in` list is bound as one JSON array parameter instead of one
 * parameter per item: SQLite refuses more than 32,766 variables per statement, PostgreSQL 65,535.
 */
const BOUND_LIST_LIMIT = 100;

/** The items as plain values of one type, when every item is a literal of that type (else undefined). */
function literalList(items: readonly Expr[]): { values: Array<string | number | boolean>; type: RuleValueType } | undefined {
  const values: Array<string | number | boolean> = [];
  let type: RuleValueType | undefined;
  for (const item of items) {
    let itemType: RuleValueType;
    switch (item.kind) {
      case 'number':
        values.push(item.value);
        itemType = 'number';
        break;
      case 'string':
        values.push(item.value);
        itemType = 'string';
        break;
      case 'boolean':
        values.push(item.value);
        itemType = 'boolean';
        break;
      case 'timestamp':
        values.push(timestampLiteralMs(item.value));
        itemType = 'timestamp';
        break;
      case 'duration':
        values.push(durationMs(item.amount, item.unit));
        itemType = 'duration';
        break;
      default:
        return undefined;
    }
    if (type !== undefined && type !== itemType) return undefined;
    type = itemType;
  }
  return type === undefined ? undefined : { values, type };
}
