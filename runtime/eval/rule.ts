/**
 * A rule compiled once for the evaluator, and a cache so callers holding only an AST (from the
 * manifest) compile each rule once per process.
 */
import type { Expr } from '../../compiler/contract/core/ast.ts';
import type { PathScope, RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord } from './context.ts';
import { compilePredicate, compileValue } from './compile.ts';
import type { Value } from './values.ts';

export interface CompiledRule {
  /** True when the rule holds (a missing or false value is false). `event`: for event-scope rules. */
  test(ctx: EvalContext, event?: EventRecord): boolean;
  /** The rule's value (for traits and mappings). */
  value(ctx: EvalContext, event?: EventRecord): Value;
}

export function compileRule(expr: Expr, schema: RuleSchema, scope: PathScope = { kind: 'customer' }): CompiledRule {
  const env = { schema, scope };
  const predicate = compilePredicate(expr, env);
  let valueFn: ReturnType<typeof compileValue> | undefined;
  return {
    test: (ctx, event) => predicate(ctx, event),
    value: (ctx, event) => (valueFn ??= compileValue(expr, env))(ctx, event),
  };
}

const cache = new WeakMap<Expr, WeakMap<RuleSchema, CompiledRule>>();

/** Evaluates a rule over one customer as a predicate; the compiled form is cached per AST object. */
export function evaluate(expr: Expr, ctx: EvalContext, schema: RuleSchema): boolean {
  return cached(expr, schema).test(ctx);
}

/** The rule's value over one customer. */
export function evaluateValue(expr: Expr, ctx: EvalContext, schema: RuleSchema): Value {
  return cached(expr, schema).value(ctx);
}

function cached(expr: Expr, schema: RuleSchema): CompiledRule {
  let bySchema = cache.get(expr);
  if (!bySchema) cache.set(expr, (bySchema = new WeakMap()));
  let rule = bySchema.get(schema);
  if (!rule) bySchema.set(schema, (rule = compileRule(expr, schema)));
  return rule;
}

const NO_SCHEMA: RuleSchema = {
  dataModel: { customers: { fields: {}, mergeByEmail: false }, events: {}, items: { fields: {} } },
  traits: {},
};

/**
 * Row mode (ingest): a Source mapping over one raw row. Paths are the row's columns, an empty cell
 * is missing, text cells are read as numbers where arithmetic or a number comparison needs them.
 */
export function compileRowMapping(expr: Expr): (row: Readonly<Record<string, unknown>>, asOf?: number) => Value {
  const value = compileValue(expr, { schema: NO_SCHEMA, scope: { kind: 'row' } });
  return (row, asOf = 0) => value({ asOf, customer: row }, undefined);
}
