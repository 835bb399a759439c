import type { CompiledJourney } from '../../compiler/contract/journey.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { EventRecord } from '../../runtime/eval/context.ts';
import type { CustomerData } from '../../runtime/journeys/customers.ts';
import { advance } from '../../runtime/journeys/machine.ts';
import { JourneyRules } from '../../runtime/journeys/rules.ts';
import type { Effects, Entry } from '../../runtime/journeys/types.ts';
import { compileOrThrow, fixtureWorkspace } from './support.ts';

/** Compiles journeys written on top of the fixtures' workspace; returns them by name. */
export function compileJourneys(yaml: string): { manifest: Manifest; journeys: Record<string, CompiledJourney>; rules: JourneyRules } {
  const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': yaml }));
  const journeys: Record<string, CompiledJourney> = {};
  for (const d of Object.values(manifest.definitions)) if (d.kind === 'Journey') journeys[d.name] = d.compiled as CompiledJourney;
  return { manifest, journeys, rules: new JourneyRules(manifest) };
}

export const T0 = Date.UTC(2026, 0, 5, 10, 0);
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function customer(
  id: string,
  fields: Record<string, unknown>,
  events: Array<Omit<EventRecord, 'id'> & { id?: string }> = [],
): CustomerData {
  const sorted = events
    .map((e, i) => ({ id: e.id ?? `e${i}`, customer_id: id, ...e }) as unknown as EventRecord)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const byType = new Map<string, EventRecord[]>();
  for (const e of sorted) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
  return { id, fields: { id, ...fields }, events: sorted, byType, traits: {}, scores: {}, tiers: {} };
}

export function newEntry(journey: CompiledJourney, customerId: string, at: number, id = `entry-${customerId}`): Entry {
  return {
    id,
    journey: journey.name,
    version: 'v1',
    customerId,
    entryKey: 'k',
    enteredAt: at,
    status: 'active',
    step: journey.start,
    phase: 'ready',
    stepAt: at,
    dueAt: at,
    data: { visits: {}, variants: {}, entry: { at: new Date(at).toISOString() } },
    seq: 1,
  };
}

/** Advances an entry horizon by horizon (as a run does slice by slice), collecting every effect. */
export function advanceThrough(
  entry: Entry,
  journey: CompiledJourney,
  rules: JourneyRules,
  data: CustomerData,
  horizons: readonly number[],
): Effects {
  const all: Effects = { history: [], sends: [], holdouts: [], updates: [], problems: [] };
  for (const h of horizons) {
    const fx = advance(entry, journey, rules, data, h);
    all.history.push(...fx.history);
    all.sends.push(...fx.sends);
    all.holdouts.push(...fx.holdouts);
    all.updates.push(...fx.updates);
    all.problems.push(...fx.problems);
  }
  return all;
}
