/** Segment materialization (traits, then memberships as of an instant) and per-customer explanations. */
export { materialize, MaterializeError, type MaterializeResult, type MaterializePlan } from './materialize.ts';
export { materializeTraits, type TraitRunResult } from './traits.ts';
export { materializeSegment, type SegmentRunResult } from './memberships.ts';
export { explainCustomer, type CustomerExplanation, type SegmentExplanation, type ExplainedClause, type ShownValue } from './explain.ts';
export { loadCustomer, lastMaterializedAt, ruleSchemaOf, UnknownCustomerError } from './customer-context.ts';
