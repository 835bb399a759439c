import type { Expr } from './ast.ts';

/**
 * The direct sub-expressions of a rule node, in source order: what every walk over a rule visits
 * (an aggregate's children are its `where` filter, which reads event properties).
 */
export function childExprs(e: Expr): Expr[] {
  switch (e.kind) {
    case 'binary':
      return [e.left, e.right];
    case 'unary':
      return [e.operand];
    case 'in':
      return [e.value, e.list];
    case 'between':
      return [e.value, e.low, e.high];
    case 'is_null':
      return [e.value];
    case 'string_match':
      return [e.value, e.pattern];
    case 'list':
      return e.items;
    case 'call':
      return e.args;
    case 'aggregate':
      return e.where ? [e.where] : [];
    default:
      return [];
  }
}
