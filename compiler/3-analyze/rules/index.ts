/** The rule type checker: the entry points other analyzers use. */
export { checkRule, expectRuleType } from './check.ts';
export { ruleEnvironment, type RuleEnvironment } from './environment.ts';
export { primeRuleSites, ruleSiteAt, ruleSitesOf } from './sites.ts';
export { traitOutputs, RFM_OUTPUTS } from './trait-outputs.ts';
export { FUNCTION_NAMES, REFERENCE_FUNCTIONS } from './functions.ts';
export * from './types.ts';
export type * from './facts.ts';
