import type { Expr } from './ast.ts';

/**
 * The name a function's argument gives (`in_segment(vip)`, `subscribed("offers")`): written bare
 * as one name or as a string. Undefined for anything else (an expression), which the checker
 * refuses (HL334).
 */
export function nameArgument(arg: Expr | undefined): string | undefined {
  if (arg?.kind === 'path' && arg.segments.length === 1) return arg.segments[0];
  if (arg?.kind === 'string') return arg.value;
  return undefined;
}
