import type { Expr } from '../contract/core/ast.ts';

const SPAN_KEYS = new Set(['span', 'nameSpan', 'eventSpan', 'propertySpan', 'fieldSpan']);

/**
 * A copy of the AST without positions: what two rules "mean the same" is compared on (and hashed).
 * Iterative, so the left spine of a rule of thousands of terms costs no stack.
 */
export function stripSpans(expr: Expr): unknown {
  const root: Record<string, unknown> = {};
  const stack: Array<[object, Record<string, unknown> | unknown[]]> = [[expr, root]];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    for (const [key, value] of Object.entries(source)) {
      if (SPAN_KEYS.has(key) || value === undefined) continue;
      if (typeof value === 'object' && value !== null) {
        const copy = Array.isArray(value) ? [] : {};
        (target as Record<string, unknown>)[key] = copy;
        stack.push([value, copy]);
      } else {
        (target as Record<string, unknown>)[key] = value;
      }
    }
  }
  return root;
}
