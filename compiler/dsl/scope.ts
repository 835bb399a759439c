/**
 * Where a rule appears decides what it may name (the `x-herald-rule` keyword's value in a schema):
 * - customer:    segment and trait conditions over one customer (fields, traits, aggregates)
 * - event:       a filter over one event's properties (journey entry filters)
 * - source-row:  a Source mapping over one raw row (columns)
 * - model-label: like customer, and `within next <duration>` is allowed (labels look forward)
 * - journey:     like customer, and `within since_entry` is allowed
 */
export const RULE_SCOPES = ['customer', 'event', 'source-row', 'model-label', 'journey'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

export function isRuleScope(value: unknown): value is RuleScope {
  return typeof value === 'string' && (RULE_SCOPES as readonly string[]).includes(value);
}
