/**
 * From the analyzers' facts (compiler/3-analyze/rules/facts.ts) to what both rule backends take:
 * the rule schema (data model + trait outputs), a segment's membership rule with include/exclude
 * folded in, and a trait's plan.
 */
import type { Expr } from '../contract/core/ast.ts';
import type { DataModel } from '../contract/data-model.ts';
import type { RuleValueType, TraitOutput, TraitPlan } from '../contract/compiled-sql.ts';
import { durationMs, type RuleSchema } from '../contract/core/rule-paths.ts';
import type { RuleType, SegmentFacts, TraitFacts } from '../3-analyze/rules/facts.ts';

/** A trait output as a table column: a single-valued trait's output ('') is the column `value`. */
export function outputColumn(output: string): string {
  return output === '' ? 'value' : output;
}

export function valueType(type: RuleType): RuleValueType {
  switch (type.kind) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'timestamp':
    case 'duration':
    case 'null':
    case 'list':
      return type.kind;
    default:
      // An unknown type only survives analysis with an error reported; emit never gets here then.
      return 'string';
  }
}

export function traitOutputsOf(facts: TraitFacts): TraitOutput[] {
  return facts.outputs.map((o) => ({ name: outputColumn(o.output), type: valueType(o.type) }));
}

export function ruleSchemaOf(dataModel: DataModel, traits: readonly TraitFacts[]): RuleSchema {
  return { dataModel, traits: Object.fromEntries(traits.map((t) => [t.name, traitOutputsOf(t)])) };
}

const SPAN = { start: 0, end: 0 };

function inSegment(name: string): Expr {
  return { kind: 'call', name: 'in_segment', nameSpan: SPAN, args: [{ kind: 'path', segments: [name], span: SPAN }], span: SPAN };
}

function all(parts: Expr[], op: 'and' | 'or'): Expr {
  return parts.reduce((left, right) => ({ kind: 'binary', op, left, right, span: SPAN }));
}

/**
 * The membership rule: `where` (if given) and in at least one `include` segment (if any) and in
 * none of the `exclude` segments. Undefined when the `where` did not type-check (already reported).
 */
export function segmentRuleOf(facts: SegmentFacts): Expr | undefined {
  if (facts.where && !facts.where.ok) return undefined;
  const parts: Expr[] = [];
  if (facts.where) parts.push(facts.where.ast);
  if (facts.include.length) parts.push(all(facts.include.map(inSegment), 'or'));
  for (const name of facts.exclude) parts.push({ kind: 'unary', op: 'not', operand: inSegment(name), span: SPAN });
  if (parts.length === 0) return undefined;
  return all(parts, 'and');
}

/** The trait's plan; undefined when one of its rules did not type-check (already reported). */
export function traitPlanOf(facts: TraitFacts): TraitPlan | undefined {
  switch (facts.kind) {
    case 'expression':
      if (!facts.rule?.ok) return undefined;
      return {
        kind: 'expression',
        name: facts.name,
        expression: facts.rule.ast,
        type: valueType(facts.outputs[0]?.type ?? facts.rule.type),
      };
    case 'rfm': {
      const plan: TraitPlan = {
        kind: 'rfm',
        name: facts.name,
        event: facts.event,
        amount: facts.amount,
        windowMs: durationMs(facts.window.amount, facts.window.unit),
      };
      const cuts = Object.fromEntries(Object.entries(facts.cutPoints).filter(([, v]) => v !== undefined));
      if (Object.keys(cuts).length) plan.cutPoints = cuts;
      return plan;
    }
    case 'lifecycle': {
      const stages: Array<{ name: string; when: Expr }> = [];
      for (const stage of facts.stages) {
        if (!stage.when?.ok) return undefined;
        stages.push({ name: stage.name, when: stage.when.ast });
      }
      return { kind: 'lifecycle', name: facts.name, stages, else: facts.else };
    }
  }
}
