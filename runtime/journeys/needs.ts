/** What a journey's rules read, so a batch loads only that (compiled rules list their reads). */
import type { CompiledJourney, CompiledJourneyRule } from '../../compiler/contract/journey.ts';
import type { DataNeeds } from './customers.ts';

const cache = new WeakMap<CompiledJourney, DataNeeds>();

export function journeyNeeds(journey: CompiledJourney): DataNeeds {
  let needs = cache.get(journey);
  if (needs) return needs;
  const rules: CompiledJourneyRule[] = [];
  const events = new Set<string>();
  if (journey.exitWhen) rules.push(journey.exitWhen);
  for (const step of Object.values(journey.steps)) {
    if (step.kind === 'wait' && step.until) rules.push(step.until);
    if (step.kind === 'wait_for') {
      if (step.event !== undefined) events.add(step.event);
      if (step.rule) rules.push(step.rule);
    }
    if (step.kind === 'branch') rules.push(...step.cases.map((c) => c.when));
    if (step.kind === 'update') rules.push(...step.set.map((s) => s.value));
  }
  // A wait_for an event reads the events after the step started: no further back than the step.
  needs = rules.reduce<DataNeeds>((acc, r) => mergeNeeds(acc, ruleNeeds(r)), {
    events,
    lookbackMs: 0,
    sinceEntry: false,
    traits: false,
    models: false,
  });
  cache.set(journey, needs);
  return needs;
}

export function ruleNeeds(rule: CompiledJourneyRule): DataNeeds {
  return {
    events: rule.segments ? 'all' : new Set(rule.events),
    lookbackMs: rule.lookbackMs,
    sinceEntry: rule.sinceEntry,
    traits: rule.traits || rule.segments,
    models: rule.models || rule.segments,
    subscriptions: rule.subscriptions === true || rule.segments,
  };
}

export function mergeNeeds(a: DataNeeds, b: DataNeeds): DataNeeds {
  return {
    events: a.events === 'all' || b.events === 'all' ? 'all' : new Set([...a.events, ...b.events]),
    lookbackMs: a.lookbackMs === null || b.lookbackMs === null ? null : Math.max(a.lookbackMs, b.lookbackMs),
    sinceEntry: a.sinceEntry || b.sinceEntry,
    traits: a.traits || b.traits,
    models: a.models || b.models,
    subscriptions: a.subscriptions === true || b.subscriptions === true,
  };
}

/**
 * The earliest event instant rules may read for evaluations at or after `from` (an entry's next
 * step, an entry instant, a launch): `from` less the lookback, or the entry for since_entry rules.
 */
export function earliestRead(needs: DataNeeds, from: number, enteredAt?: number): number {
  let since = needs.lookbackMs === null ? -Infinity : from - needs.lookbackMs;
  if (needs.sinceEntry && enteredAt !== undefined) since = Math.min(since, enteredAt);
  return since;
}
