/**
 * Journey and campaign rules on the JavaScript evaluator: each compiled once per process (by AST
 * object), evaluated per customer as of the step's instant, with `within since_entry` measured
 * from the entry and `in_segment` answered by the segments' own rules.
 */
import type { Expr } from '../../compiler/contract/core/ast.ts';
import type { CompiledJourneyRule } from '../../compiler/contract/journey.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord } from '../eval/context.ts';
import { compileRule, type CompiledRule } from '../eval/rule.ts';
import { createSegmentSet, type SegmentSet } from '../eval/segments.ts';
import type { Value } from '../eval/values.ts';
import { segmentsOf } from '../manifest.ts';
import { ruleSchemaOf } from '../segments/customer-context.ts';
import type { CustomerData } from './customers.ts';

export class JourneyRules {
  readonly schema: RuleSchema;
  private readonly segments: SegmentSet;
  private readonly customerRules = new WeakMap<Expr, CompiledRule>();
  private readonly eventRules = new WeakMap<Expr, CompiledRule>();

  constructor(manifest: Manifest) {
    this.schema = ruleSchemaOf(manifest);
    this.segments = createSegmentSet(Object.fromEntries(segmentsOf(manifest).map((s) => [s.name, s.compiled.ast])), this.schema);
  }

  /** The evaluator's view of a customer as of `asOf` (events after it do not exist for rules). */
  context(customer: CustomerData, asOf: number, entryAt?: number): EvalContext {
    const ctx: EvalContext = {
      asOf,
      customer: customer.fields,
      traits: customer.traits,
      events: customer.events,
      scores: customer.scores,
      tiers: customer.tiers,
      inSegment: this.segments.isMember,
      cache: { byType: customer.byType },
    };
    if (customer.subscriptions) ctx.subscriptions = customer.subscriptions;
    if (entryAt !== undefined) ctx.entryAt = entryAt;
    return ctx;
  }

  holds(rule: CompiledJourneyRule, customer: CustomerData, asOf: number, entryAt?: number): boolean {
    return this.customerRule(rule.ast).test(this.context(customer, asOf, entryAt));
  }

  value(rule: CompiledJourneyRule, customer: CustomerData, asOf: number, entryAt?: number): Value {
    return this.customerRule(rule.ast).value(this.context(customer, asOf, entryAt));
  }

  /** An event-scope rule (an entry `where`, a `dedupe_key`, a `wait_for` filter) over one event. */
  eventHolds(rule: CompiledJourneyRule, event: EventRecord, customer: Record<string, unknown> = {}): boolean {
    return this.eventRule(rule.ast, event.type).test({ asOf: event.at, customer }, event);
  }

  eventValue(rule: CompiledJourneyRule, event: EventRecord): Value {
    return this.eventRule(rule.ast, event.type).value({ asOf: event.at, customer: {} }, event);
  }

  private customerRule(ast: Expr): CompiledRule {
    let rule = this.customerRules.get(ast);
    if (!rule) this.customerRules.set(ast, (rule = compileRule(ast, this.schema)));
    return rule;
  }

  private eventRule(ast: Expr, event: string): CompiledRule {
    let rule = this.eventRules.get(ast);
    if (!rule) this.eventRules.set(ast, (rule = compileRule(ast, this.schema, { kind: 'event', event })));
    return rule;
  }
}
