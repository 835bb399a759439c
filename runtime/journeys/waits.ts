/**
 * When a wait ends, and what ends a `wait_for`. Both are decided from the customer's events up to
 * the run's horizon, whenever the step is reached or resumed: the outcome does not depend on how
 * the run was sliced (a customer who buys an hour into a 48-hour wait goes `on_event` at that
 * hour, even when the run covers the whole two days at once).
 */
import type { CompiledJourney, CompiledStep } from '../../compiler/contract/journey.ts';
import { nextLocalTime, zoneOr } from '../delivery/local-time.ts';
import type { CustomerData } from './customers.ts';
import { own } from '../../compiler/contract/core/own.ts';
import type { JourneyRules } from './rules.ts';

type Wait = Extract<CompiledStep, { kind: 'wait' }>;
type WaitFor = Extract<CompiledStep, { kind: 'wait_for' }>;

/**
 * The end of a `wait` reached at `at`: the later of `for` after it and the `until` rule's time
 * (a missing or past time does not wait), then the next time the clock shows `at` in the
 * customer's zone.
 */
export function waitEnd(
  step: Wait,
  journey: CompiledJourney,
  rules: JourneyRules,
  customer: CustomerData,
  at: number,
  entryAt: number,
): number {
  let end = at + (step.forMs ?? 0);
  if (step.until) {
    const until = rules.value(step.until, customer, at, entryAt);
    if (typeof until === 'number' && Number.isFinite(until)) end = Math.max(end, until);
  }
  if (step.atMinute !== undefined) end = nextLocalTime(end, customerZone(journey, customer), step.atMinute);
  return end;
}

export function customerZone(journey: { timezone: string; timezoneField?: string }, customer: CustomerData): string {
  return journey.timezoneField === undefined ? journey.timezone : zoneOr(own(customer.fields, journey.timezoneField), journey.timezone);
}

export type WaitForOutcome =
  | { kind: 'event'; at: number }
  | { kind: 'timeout'; at: number }
  /** Nothing yet: wait on until `dueAt`, woken early by these event types. */
  | { kind: 'wait'; dueAt: number; wakes: string[] };

/**
 * A `wait_for` that started at `since`, looked at with the customer's events up to `horizon`. An
 * event counts when it comes after `since` (an event at the very instant the wait starts, such as
 * the entry event itself, does not) and no later than the timeout. A rule is checked when the
 * wait starts, at each later event it reads, and at the timeout.
 */
export function resolveWaitFor(
  step: WaitFor,
  rules: JourneyRules,
  customer: CustomerData,
  since: number,
  horizon: number,
  entryAt: number,
): WaitForOutcome {
  const timeoutAt = since + step.timeoutMs;
  const last = Math.min(timeoutAt, horizon);
  if (step.event !== undefined) {
    for (const e of customer.byType.get(step.event) ?? []) {
      if (e.at <= since) continue;
      if (e.at > last) break;
      if (!step.where || rules.eventHolds(step.where, e, customer.fields)) return { kind: 'event', at: e.at };
    }
    return timeoutAt <= horizon ? { kind: 'timeout', at: timeoutAt } : { kind: 'wait', dueAt: timeoutAt, wakes: [step.event] };
  }
  const rule = step.rule!;
  if (rules.holds(rule, customer, since, entryAt)) return { kind: 'event', at: since };
  const candidates: number[] = [];
  for (const type of rule.events) for (const e of customer.byType.get(type) ?? []) if (e.at > since && e.at <= last) candidates.push(e.at);
  for (const at of [...new Set(candidates)].sort((a, b) => a - b))
    if (rules.holds(rule, customer, at, entryAt)) return { kind: 'event', at };
  if (timeoutAt <= horizon)
    return rules.holds(rule, customer, timeoutAt, entryAt) ? { kind: 'event', at: timeoutAt } : { kind: 'timeout', at: timeoutAt };
  return { kind: 'wait', dueAt: timeoutAt, wakes: [...rule.events] };
}
