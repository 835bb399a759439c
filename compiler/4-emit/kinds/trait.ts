import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import { SQL_DIALECTS, type CompiledQuery, type CompiledTrait, type SqlDialect } from '../../contract/compiled-sql.ts';
import type { TraitFacts } from '../../3-analyze/rules/facts.ts';
import { compileTraitQuery } from '../../sql/query.ts';
import { traitOutputsOf, traitPlanOf } from '../../sql/from-facts.ts';
import { workspaceRules } from '../../sql/workspace-rules.ts';
import { sqlFile } from '../../sql/sql-file.ts';
import { backendFailure } from '../../sql/backend-failure.ts';

/**
 * The compiled block of a Trait: the query producing the rows of `trait_<name>` as of the `as_of`
 * parameter per dialect, its output columns, and its plan for the JavaScript evaluator; also
 * build/sql/<dialect>/traits/<name>.sql.
 */
export const emitTrait: KindEmitter = (def, ctx): CompiledTrait | undefined => {
  const facts = ctx.factsOf<TraitFacts>(definitionKey('Trait', def.name));
  const plan = facts ? traitPlanOf(facts) : undefined;
  if (!facts || !plan) return undefined;
  const rules = workspaceRules(ctx);
  const sql = {} as Record<SqlDialect, CompiledQuery>;
  try {
    for (const dialect of SQL_DIALECTS) {
      sql[dialect] = compileTraitQuery(plan, dialect, { schema: rules.schema, segmentRule: rules.segmentRule });
      ctx.writeFile(`sql/${dialect}/traits/${def.name}.sql`, sqlFile(`Trait ${def.name}`, sql[dialect]));
    }
  } catch (e) {
    ctx.report(backendFailure(def, e));
    return undefined;
  }
  const uses =
    facts.kind === 'expression'
      ? (facts.rule?.uses ?? [])
      : facts.kind === 'lifecycle'
        ? facts.stages.flatMap((s) => s.when?.uses ?? [])
        : [];
  const dependencies = [...new Set(uses.map((u) => `${u.kind}/${u.name}`))].sort();
  return { sql, table: `trait_${def.name}`, outputs: traitOutputsOf(facts), plan, dependencies };
};
