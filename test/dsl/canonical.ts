import type { Expr } from '../../compiler/contract/core/ast.ts';
import { associate } from '../../compiler/dsl/parser-helpers.ts';

/**
 * The AST the parser builds for the same meaning: `and`/`or` chains regrouped the parser's way
 * (they are associative, and printRule() prints them flat). Everything else is unchanged.
 */
export function canonical(e: Expr): Expr {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'and' || e.op === 'or') return associate(e.op, flatten(e, e.op).map(canonical));
      return { ...e, left: canonical(e.left), right: canonical(e.right) };
    case 'unary':
      return { ...e, operand: canonical(e.operand) };
    case 'in':
      return { ...e, value: canonical(e.value), list: canonical(e.list) };
    case 'between':
      return { ...e, value: canonical(e.value), low: canonical(e.low), high: canonical(e.high) };
    case 'is_null':
      return { ...e, value: canonical(e.value) };
    case 'string_match':
      return { ...e, value: canonical(e.value), pattern: canonical(e.pattern) };
    case 'list':
      return { ...e, items: e.items.map(canonical) };
    case 'call':
      return { ...e, args: e.args.map(canonical) };
    case 'aggregate':
      return e.where ? { ...e, where: canonical(e.where) } : e;
    default:
      return e;
  }
}

function flatten(e: Expr, op: 'and' | 'or'): Expr[] {
  return e.kind === 'binary' && e.op === op ? [...flatten(e.left, op), ...flatten(e.right, op)] : [e];
}
