/**
 * Segment membership in the evaluator: every segment's rule compiled once, `in_segment(x)`
 * answered by evaluating x's rule on the same customer (memoized per context), as the SQL does.
 */
import type { Expr } from '../../compiler/contract/core/ast.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext } from './context.ts';
import { compileRule, type CompiledRule } from './rule.ts';

export interface SegmentSet {
  /** Whether the customer of `ctx` is in segment `name` (include/exclude folded into its rule). */
  isMember(name: string, ctx: EvalContext): boolean;
  /** Names of the segments the customer is in, in definition order. */
  memberships(ctx: EvalContext): string[];
  names: readonly string[];
}

export function createSegmentSet(segments: Readonly<Record<string, Expr>>, schema: RuleSchema): SegmentSet {
  const rules = new Map<string, CompiledRule>();
  for (const [name, expr] of Object.entries(segments)) rules.set(name, compileRule(expr, schema));
  const inProgress = new Set<string>();

  const isMember = (name: string, ctx: EvalContext): boolean => {
    ctx.inSegment ??= isMember;
    const memo = ((ctx.cache ??= {}).segments ??= new Map());
    const known = memo.get(name);
    if (known !== undefined) return known;
    const rule = rules.get(name);
    if (!rule) throw new Error(`unknown segment \`${name}\``);
    if (inProgress.has(name)) throw new Error(`segments depend on each other in a cycle through \`${name}\``);
    inProgress.add(name);
    try {
      const result = rule.test(ctx);
      memo.set(name, result);
      return result;
    } finally {
      inProgress.delete(name);
    }
  };

  return {
    isMember,
    memberships: (ctx) => [...rules.keys()].filter((name) => isMember(name, ctx)),
    names: [...rules.keys()],
  };
}
