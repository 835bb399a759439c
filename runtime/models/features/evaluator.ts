import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { Expr } from '../../../compiler/contract/core/ast.ts';
import type { RuleSchema } from '../../../compiler/contract/core/rule-paths.ts';
import type { EventRecord as EvalEvent } from '../../eval/context.ts';
import { compileRule } from '../../eval/rule.ts';
import type { CompiledFeatures } from './in-memory.ts';
import type { RowFunction } from './source.ts';

/**
 * A model's features and label compiled by the JavaScript evaluator from the ASTs in its training
 * job, for the in-memory feature source (previews, tests, small workspaces without a database).
 * Same meaning as the SQL the emitter compiled; the in-memory source still enforces the cut-off.
 */
export function compileFeatures(job: ModelJobSpec, schema: RuleSchema): CompiledFeatures {
  const fn = (name: string, ast: unknown): RowFunction => {
    if (!ast) throw new Error(`${name} of model ${job.name} has no compiled rule; run \`herald compile\``);
    const rule = compileRule(ast as Expr, schema);
    return (customer, events, asOf) => rule.value({ asOf: asOf.getTime(), customer, events: events as unknown as EvalEvent[] });
  };
  const label = job.label ? fn('the label', job.label.ast) : undefined;
  const population = job.population ? fn('the population', job.population.ast) : undefined;
  return {
    names: job.features.map((f) => f.name),
    features: job.features.map((f) => fn(`feature ${f.name}`, f.ast)),
    ...(label ? { label } : {}),
    ...(population ? { population } : {}),
    horizonMs: job.label?.horizonMs ?? 0,
  };
}
