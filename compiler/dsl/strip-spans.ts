import type { Expr } from '../types/ast.ts';

const SPAN_KEYS = new Set(['span', 'nameSpan', 'eventSpan', 'propertySpan', 'fieldSpan']);

/** A copy of the AST without positions: what two rules "mean the same" is compared on (and hashed). */
export function stripSpans(expr: Expr): unknown {
  return strip(expr);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SPAN_KEYS.has(k) && v !== undefined) out[k] = strip(v);
  return out;
}
