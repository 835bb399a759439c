/**
 * Explain mode: a rule evaluated clause by clause for one customer, with the values each clause
 * compared, for `herald explain` and previews. `and`/`or`/`not` become nodes whose children are
 * their clauses; any other boolean expression is a leaf with the values of its operands.
 * (Slower than compiled evaluation: each part is compiled on its own; explain is not a hot path.)
 */
import type { Expr, Span } from '../../compiler/types/ast.ts';
import type { RuleSchema } from '../../compiler/types/rule-paths.ts';
import type { EvalContext } from './context.ts';
import { compilePredicate, compileValue } from './compile.ts';
import type { Value } from './values.ts';

export interface ExplainedOperand {
  expr: Expr;
  span: Span;
  value: Value;
}

export interface ExplainedClause {
  expr: Expr;
  span: Span;
  holds: boolean;
  /** For `and`/`or`/`not`: the clauses combined. */
  connective?: 'and' | 'or' | 'not';
  children?: ExplainedClause[];
  /** For a leaf: the values it compared (literals left out: they speak for themselves). */
  operands?: ExplainedOperand[];
}

export function explainRule(expr: Expr, ctx: EvalContext, schema: RuleSchema): ExplainedClause {
  const env = { schema, scope: { kind: 'customer' as const } };
  const holds = compilePredicate(expr, env)(ctx, undefined);
  if (expr.kind === 'binary' && (expr.op === 'and' || expr.op === 'or')) {
    // A chain `a and b and c` is one node with three children, as people read it.
    const parts: Expr[] = [];
    const flatten = (e: Expr): void => {
      if (e.kind === 'binary' && e.op === expr.op) {
        flatten(e.left);
        flatten(e.right);
      } else parts.push(e);
    };
    flatten(expr);
    return { expr, span: expr.span, holds, connective: expr.op, children: parts.map((p) => explainRule(p, ctx, schema)) };
  }
  if (expr.kind === 'unary' && expr.op === 'not') {
    return { expr, span: expr.span, holds, connective: 'not', children: [explainRule(expr.operand, ctx, schema)] };
  }
  const operands = operandsOf(expr)
    .filter((o) => !isLiteral(o))
    .map((o) => ({ expr: o, span: o.span, value: compileValue(o, env)(ctx, undefined) }));
  return { expr, span: expr.span, holds, operands };
}

function operandsOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'binary':
      return [expr.left, expr.right];
    case 'in':
      return [expr.value];
    case 'between':
      return [expr.value, expr.low, expr.high];
    case 'is_null':
      return [expr.value];
    case 'string_match':
      return [expr.value, expr.pattern];
    case 'call':
      return expr.name === 'in_segment' ? [] : expr.args;
    case 'path':
    case 'aggregate':
      return [expr];
    default:
      return [];
  }
}

function isLiteral(expr: Expr): boolean {
  return ['number', 'string', 'boolean', 'null', 'duration', 'timestamp', 'list'].includes(expr.kind);
}
