import type { Diagnostic, Range } from '../../diagnostics/diagnostic.ts';
import type { DataModel } from '../../contract/data-model.ts';
import type { Kind } from '../../contract/definition.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { AnalyzeContext } from '../context.ts';
import type { TraitOutput } from './facts.ts';
import { traitOutputs } from './trait-outputs.ts';
import { declaredTopics } from '../topics.ts';

/** Everything the type checker needs to know about the rule's surroundings. */
export interface RuleEnvironment {
  dataModel: DataModel;
  /** Trait name → the values it makes available. */
  traits: ReadonlyMap<string, readonly TraitOutput[]>;
  /** In "event" scope: the event type whose properties the rule reads (unknown: anything goes). */
  event?: string;
  /** In "source-row" scope: the row's columns, when known at compile time (else any name is a column). */
  sourceColumns?: readonly string[];
  /**
   * The Workspace's subscription topics, which `subscribed("topic")` may name. Read only for rules
   * that call it: reading the Workspace makes a cached analysis depend on all of herald.yaml.
   */
  topics(): readonly string[];
  report(diagnostic: Diagnostic): void;
  /**
   * Resolves a definition the rule names (a trait, `in_segment(x)`, `score(m)`): declares the
   * dependency edge and reports an unknown name (with did-you-mean). Returns whether it exists.
   */
  reference(kind: Kind, name: string, range: Range): boolean;
}

/** The environment for a rule of definition `from`, from the analyzer's context. */
export function ruleEnvironment(
  ctx: AnalyzeContext,
  from: Definition,
  extra: { event?: string; sourceColumns?: readonly string[] } = {},
): RuleEnvironment {
  const env: RuleEnvironment = {
    dataModel: ctx.dataModel,
    traits: traitsOf(ctx),
    topics: () => declaredTopics(ctx),
    report: (d) => ctx.report(d),
    reference: (kind, name, range) => ctx.reference(from, kind, name, range) !== undefined,
  };
  if (extra.event !== undefined) env.event = extra.event;
  if (extra.sourceColumns !== undefined) env.sourceColumns = extra.sourceColumns;
  return env;
}

const traitsByContext = new WeakMap<AnalyzeContext, ReadonlyMap<string, readonly TraitOutput[]>>();

/**
 * The workspace's traits and their outputs, built once per analyze run: every rule needs them, and
 * rebuilding them per rule would make analysis quadratic in the size of the workspace.
 */
function traitsOf(ctx: AnalyzeContext): ReadonlyMap<string, readonly TraitOutput[]> {
  let traits = traitsByContext.get(ctx);
  if (!traits) {
    const built = new Map<string, readonly TraitOutput[]>();
    for (const def of ctx.byKind('Trait')) built.set(def.name, traitOutputs(def));
    traits = built;
    traitsByContext.set(ctx, traits);
  }
  return traits;
}
