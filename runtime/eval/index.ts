/**
 * The JavaScript evaluator of the rule DSL: rules compiled once to closures, evaluated per
 * customer (or per raw source row in ingest), with the SQL backend's exact meaning.
 */
export type { EvalContext, EventRecord } from './context.ts';
export type { Value } from './values.ts';
export { compareStrings } from './values.ts';
export { compileRule, evaluate, evaluateValue, compileRowMapping, type CompiledRule } from './rule.ts';
export { createSegmentSet, type SegmentSet } from './segments.ts';
export { compileCustomerTrait, computeRfm, type TraitRow } from './traits.ts';
