/**
 * The rule language's functions (aggregates are in compiler/dsl/grammar.ts). Both backends (SQL
 * and the JavaScript evaluator) implement exactly these.
 *
 * - if(c, a, b)            a when c is true, else b (a missing c counts as false)
 * - coalesce(a, b, ...)    the first value that is not missing
 * - days_since(t)          fractional days from t to the evaluation instant (as_of)
 * - lower(s), upper(s)     case mapping
 * - abs(n)                 absolute value
 * - round(n), round(n, d)  rounded to d decimals (default 0), halves away from zero
 * - score(model)           the model's latest score for the customer (number, 0..1 for propensity)
 * - tier(model)            the model's tier for the customer (string: high/medium/low...)
 * - in_segment(segment)    whether the customer is a member of the segment (true/false)
 * - subscribed("topic")    whether the customer receives the topic's email: neither left it nor
 *                          all marketing email (compiler/contract/subscriptions.ts; true/false)
 */
export const FUNCTION_NAMES = [
  'if',
  'coalesce',
  'days_since',
  'lower',
  'upper',
  'abs',
  'round',
  'score',
  'tier',
  'in_segment',
  'subscribed',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Functions whose argument names a definition rather than computing a value. */
export const REFERENCE_FUNCTIONS: Readonly<Record<string, 'Segment' | 'Model'>> = {
  in_segment: 'Segment',
  score: 'Model',
  tier: 'Model',
};

/** How a call is written, for arity messages. */
export const FUNCTION_FORMS: Readonly<Record<FunctionName, string>> = {
  if: 'if(condition, then, else)',
  coalesce: 'coalesce(a, b, ...)',
  days_since: 'days_since(timestamp)',
  lower: 'lower(string)',
  upper: 'upper(string)',
  abs: 'abs(number)',
  round: 'round(number) or round(number, digits)',
  score: 'score(model)',
  tier: 'tier(model)',
  in_segment: 'in_segment(segment)',
  subscribed: 'subscribed("topic")',
};
