import type { KindAnalyzer } from '../context.ts';
import { checkRule, expectRuleType } from '../rules/check.ts';
import { ruleEnvironment } from '../rules/environment.ts';
import { ruleSiteAt } from '../rules/sites.ts';
import type { SegmentFacts } from '../rules/facts.ts';
import { BOOLEAN } from '../rules/types.ts';

interface SegmentSpec {
  where?: string;
  include?: string[];
  exclude?: string[];
  live?: boolean;
}

/**
 * Type-checks the `where` rule (it must be true/false) and returns SegmentFacts. `include` and
 * `exclude` are `x-herald-ref: Segment` in the schema, so they are resolved (and cycles found) by
 * the generic reference pass, not here.
 */
export const analyzeSegment: KindAnalyzer = (def, ctx): SegmentFacts => {
  const spec = def.spec as SegmentSpec;
  const facts: SegmentFacts = {
    name: def.name,
    include: [...(spec.include ?? [])],
    exclude: [...(spec.exclude ?? [])],
    live: spec.live === true,
  };
  const site = ruleSiteAt(def, ['spec', 'where']);
  if (site) {
    const env = ruleEnvironment(ctx, def);
    const where = checkRule(site, site.scope, env);
    if (where) {
      if (where.ok) expectRuleType(where, BOOLEAN, env, `the \`where\` of segment \`${def.name}\``);
      facts.where = where;
    }
  }
  return facts;
};
