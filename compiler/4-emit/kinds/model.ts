import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../types/definition.ts';
import { stripSpans } from '../../dsl/strip-spans.ts';
import { compileModelSpec, type RawModelSpec } from '../../models/compile-spec.ts';
import type { ModelJobSpec } from '../../models/job-spec.ts';
import type { ModelFacts } from '../../3-analyze/kinds/model.ts';

/**
 * The compiled block of a Model: its training job (compiler/models/job-spec.ts), every default
 * filled in, each feature and the label with its rule AST, and the spec hash that decides when
 * `herald train` fits a new version. Also written to build/models/<name>.json.
 */
export const emitModel: KindEmitter = (def, ctx) => {
  const facts = ctx.factsOf<ModelFacts>(definitionKey('Model', def.name));
  const job: ModelJobSpec = compileModelSpec(def.name, def.spec as unknown as RawModelSpec);
  // The hash is over the rule texts and settings; ASTs travel beside them without spans.
  for (const feature of job.features) {
    const ast = facts?.features[feature.name];
    if (ast) feature.ast = stripSpans(ast);
  }
  if (job.label && facts?.label) job.label.ast = stripSpans(facts.label);
  ctx.writeFile(`models/${def.name}.json`, `${JSON.stringify(job, null, 2)}\n`);
  return job;
};
