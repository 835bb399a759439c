/**
 * The rules of a whole workspace as the emitters need them: the rule schema built from every
 * Trait's facts, and every Segment's membership rule (for `in_segment`, which inlines it).
 */
import type { Expr } from '../contract/core/ast.ts';
import type { DataModel } from '../contract/data-model.ts';
import { definitionKey, type DefinitionKey } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import type { RuleSchema } from '../contract/core/rule-paths.ts';
import type { SegmentFacts, TraitFacts } from '../3-analyze/rules/facts.ts';
import { ruleSchemaOf, segmentRuleOf } from './from-facts.ts';

export interface FactsSource {
  dataModel: DataModel;
  definitions: ReadonlyMap<DefinitionKey, Definition>;
  factsOf<T = unknown>(key: DefinitionKey): T | undefined;
}

export interface WorkspaceRules {
  schema: RuleSchema;
  segmentRule(name: string): Expr | undefined;
  /** Every segment name the workspace defines. */
  segmentNames: string[];
}

const cache = new WeakMap<FactsSource['definitions'], WorkspaceRules>();

/** Built once per emit run (keyed by the definitions map, which one run shares). */
export function workspaceRules(source: FactsSource): WorkspaceRules {
  const cached = cache.get(source.definitions);
  if (cached) return cached;
  const traits: TraitFacts[] = [];
  const segmentNames: string[] = [];
  for (const def of source.definitions.values()) {
    if (def.kind === 'Trait') {
      const facts = source.factsOf<TraitFacts>(definitionKey('Trait', def.name));
      if (facts) traits.push(facts);
    } else if (def.kind === 'Segment') segmentNames.push(def.name);
  }
  const rules = new Map<string, Expr | undefined>();
  const result: WorkspaceRules = {
    schema: ruleSchemaOf(source.dataModel, traits),
    segmentNames: segmentNames.sort(),
    segmentRule(name) {
      if (!rules.has(name)) {
        const facts = source.factsOf<SegmentFacts>(definitionKey('Segment', name));
        rules.set(name, facts ? segmentRuleOf(facts) : undefined);
      }
      return rules.get(name);
    },
  };
  cache.set(source.definitions, result);
  return result;
}
