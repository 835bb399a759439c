import type { KindEmitter } from '../context.ts';
import type { Expr } from '../../contract/core/ast.ts';
import { definitionKey } from '../../contract/definition.ts';
import { SQL_DIALECTS, type CompiledQuery, type SqlDialect } from '../../contract/compiled-sql.ts';
import { stripSpans } from '../../dsl/strip-spans.ts';
import { compileModelSpec, type RawModelSpec } from '../../models/compile-spec.ts';
import type { ModelJobSpec } from '../../contract/model-job.ts';
import type { ModelFacts } from '../../3-analyze/kinds/model.ts';
import { compileTraitQuery } from '../../sql/query.ts';
import { workspaceRules } from '../../sql/workspace-rules.ts';
import { sqlFile } from '../../sql/sql-file.ts';
import { backendFailure } from '../../sql/backend-failure.ts';
import { diagnostic } from '../../diagnostics/make.ts';
import { ruleRange } from '../../1-load/rules.ts';
import { modelReads } from '../../models/model-reads.ts';

/**
 * The compiled block of a Model: its training job (compiler/contract/model-job.ts) with every default
 * filled in, and each feature and the label with its rule AST (for the JavaScript evaluator) and
 * its per-customer SQL as of the `as_of` parameter (for training and scoring on the database).
 * Also writes build/models/<name>.json and build/sql/<dialect>/models/<name>/<feature>.sql.
 */
export const emitModel: KindEmitter = (def, ctx) => {
  const facts = ctx.factsOf<ModelFacts>(definitionKey('Model', def.name));
  const job: ModelJobSpec = compileModelSpec(def.name, def.spec as unknown as RawModelSpec);
  if (facts?.traits.length) job.traits = facts.traits;
  const rules = workspaceRules(ctx);
  const compile = (name: string, expr: Expr, type: ModelFacts['types'][string]): Record<SqlDialect, CompiledQuery> => {
    const sql = {} as Record<SqlDialect, CompiledQuery>;
    for (const dialect of SQL_DIALECTS) {
      sql[dialect] = compileTraitQuery({ kind: 'expression', name, expression: expr, type }, dialect, {
        schema: rules.schema,
        segmentRule: rules.segmentRule,
      });
      ctx.writeFile(`sql/${dialect}/models/${def.name}/${name}.sql`, sqlFile(`Model ${def.name}: ${name}`, sql[dialect]));
    }
    return sql;
  };
  try {
    for (const feature of job.features) {
      const ast = facts?.features[feature.name];
      if (!ast) continue;
      feature.ast = stripSpans(ast);
      feature.sql = compile(feature.name, ast, facts.types[feature.name] ?? 'number');
    }
    if (job.label && facts?.label) {
      job.label.ast = stripSpans(facts.label);
      job.label.sql = compile('label', facts.label, facts.types.label ?? 'number');
    }
    if (job.population && facts?.population) {
      job.population.ast = stripSpans(facts.population);
      job.population.sql = compile('population', facts.population, 'boolean');
    }
  } catch (e) {
    ctx.report(backendFailure(def, e));
  }
  warnAboutReads(def.name, job, ctx);
  ctx.writeFile(`models/${def.name}.json`, `${JSON.stringify(job, null, 2)}\n`);
  return job;
};

/** score()/tier() of this model where its type writes no such value (HL441). */
function warnAboutReads(name: string, job: ModelJobSpec, ctx: Parameters<KindEmitter>[1]): void {
  for (const read of modelReads(ctx.definitions)) {
    if (read.model !== name) continue;
    const useless =
      job.type === 'recommendations' ||
      (read.fn === 'score' && job.type === 'clusters') ||
      (read.fn === 'tier' && job.type === 'regression' && job.tiers.length === 0);
    if (!useless) continue;
    ctx.report(
      diagnostic(
        'HL441',
        { fn: read.fn, model: name, type: job.type },
        {
          file: read.site.doc.file.path,
          range: ruleRange(read.site, read.call.span),
          help:
            job.type === 'recommendations'
              ? 'recommendations reach templates as `recommendations`, not through rules'
              : read.fn === 'score'
                ? `use tier(${name}) for the cluster name`
                : undefined,
        },
      ),
    );
  }
}
