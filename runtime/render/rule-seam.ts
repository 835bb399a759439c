/**
 * The seam for `{% if rule("rfm.monetary >= 4") %}` in templates: a rule-DSL condition evaluated
 * for the recipient by the JavaScript evaluator of runtime/eval. The renderer does not know the
 * rule language; whoever sets up rendering with the evaluator registers it here.
 */
export type RuleEvaluator = (expression: string, context: Record<string, unknown>) => boolean;

let evaluator: RuleEvaluator | undefined;

export function setRuleEvaluator(fn: RuleEvaluator | undefined): void {
  evaluator = fn;
}

export function evaluateRule(expression: string, context: Record<string, unknown>): boolean {
  if (!evaluator) throw new Error('rule() needs the rule evaluator, which is not set up in this process');
  return evaluator(expression, context);
}
