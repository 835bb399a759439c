import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { compileRule, type CompiledRule } from '../eval/rule.ts';
import type { EvalContext } from '../eval/context.ts';
import { MissingValueError } from './missing.ts';
import { currentSettings } from './settings.ts';

/**
 * `{% if rule("rfm.monetary >= 4") %}` at render time: the template's rules were parsed and
 * checked when it compiled; here each is compiled once for the rule evaluator (runtime/eval, the
 * same one journeys and `explain` use) and evaluated over the recipient's fields, traits,
 * segments, scores and tiers, as of the render's instant.
 */
export function compileTemplateRules(compiled: CompiledTemplate): ReadonlyMap<string, CompiledRule> {
  const out = new Map<string, CompiledRule>();
  if (!compiled.rules || !compiled.rule_schema) return out;
  for (const rule of compiled.rules) out.set(rule.text, compileRule(rule.ast, compiled.rule_schema));
  return out;
}

/** The `rule` global: `context` is the render context (nunjucks' copy of it). */
export function evaluateTemplateRule(expression: string, context: Record<string, unknown>): boolean {
  const state = currentSettings().rules;
  const rule = state?.compiled.get(expression);
  if (!state || !rule) throw new MissingValueError(`rule("${expression}") was not compiled with this template`);
  const segments = Array.isArray(context.segments) ? (context.segments as string[]) : [];
  const ctx: EvalContext = {
    asOf: state.asOf,
    customer: (context.customer ?? {}) as Record<string, unknown>,
    traits: (context.traits ?? {}) as EvalContext['traits'],
    scores: (context.scores ?? {}) as EvalContext['scores'],
    tiers: (context.tiers ?? {}) as EvalContext['tiers'],
    inSegment: (name) => segments.includes(name),
  };
  return rule.test(ctx);
}
