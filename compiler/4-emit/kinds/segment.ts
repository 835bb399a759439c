import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import { SQL_DIALECTS, type CompiledQuery, type CompiledSegment, type SqlDialect } from '../../contract/compiled-sql.ts';
import type { SegmentFacts } from '../../3-analyze/rules/facts.ts';
import { compileSegmentQuery } from '../../sql/query.ts';
import { segmentRuleOf } from '../../sql/from-facts.ts';
import { workspaceRules } from '../../sql/workspace-rules.ts';
import { sqlFile } from '../../sql/sql-file.ts';
import { backendFailure } from '../../sql/backend-failure.ts';

/**
 * The compiled block of a Segment: its membership rule (include/exclude folded in) as SQL per
 * dialect (`select customer_id from customers where ...` as of the `as_of` parameter) and as an
 * AST for the JavaScript evaluator; also build/sql/<dialect>/segments/<name>.sql.
 */
export const emitSegment: KindEmitter = (def, ctx): CompiledSegment | undefined => {
  const key = definitionKey('Segment', def.name);
  const facts = ctx.factsOf<SegmentFacts>(key);
  const rule = facts ? segmentRuleOf(facts) : undefined;
  // No facts or a rule that did not type-check: the analyzer has reported why.
  if (!facts || !rule) return undefined;
  const rules = workspaceRules(ctx);
  const sql = {} as Record<SqlDialect, CompiledQuery>;
  try {
    for (const dialect of SQL_DIALECTS) {
      sql[dialect] = compileSegmentQuery(rule, dialect, { schema: rules.schema, segmentRule: rules.segmentRule });
      ctx.writeFile(`sql/${dialect}/segments/${def.name}.sql`, sqlFile(`Segment ${def.name}`, sql[dialect]));
    }
  } catch (e) {
    ctx.report(backendFailure(def, e));
    return undefined;
  }
  const dependencies = [
    ...(facts.where?.uses ?? []).map((u) => `${u.kind}/${u.name}`),
    ...facts.include.map((n) => `Segment/${n}`),
    ...facts.exclude.map((n) => `Segment/${n}`),
  ];
  return { sql, ast: rule, dependencies: [...new Set(dependencies)].sort() };
};
