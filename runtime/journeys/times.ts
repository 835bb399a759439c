/**
 * Times as the compiler left them (compiler/contract/journey.ts `CompiledTime`) resolved to
 * instants: a wall-clock time in the workspace's or a customer's zone, schedule occurrences, and
 * a campaign's launch.
 */
import type { CompiledEntry, CompiledTime } from '../../compiler/contract/journey.ts';
import { wallClockInstant } from '../../compiler/contract/core/zones.ts';

export { wallClockInstant };

/** The instant of a time: `zone` is the workspace's, or for a per-customer time the customer's. */
export function instantOf(time: CompiledTime, zone: string): number {
  return time.kind === 'instant' ? time.at : wallClockInstant(time.wallClock, zone);
}

/** The earliest instant a time can be anywhere: a per-customer local time comes first at UTC+14. */
export function earliestInstantOf(time: CompiledTime, workspaceZone: string): number {
  if (time.kind === 'local' && time.perCustomer) return time.wallClock - 14 * 3_600_000;
  return instantOf(time, workspaceZone);
}

type Schedule = Extract<CompiledEntry, { kind: 'schedule' }>;

/**
 * A schedule's occurrences in (from, to], in order. A local start repeats on the wall clock
 * (09:00 every day stays 09:00 across a change of daylight-saving time).
 */
export function occurrencesIn(schedule: Schedule, zone: string, from: number, to: number): number[] {
  const at = (k: number): number =>
    schedule.starting.kind === 'instant'
      ? schedule.starting.at + k * schedule.everyMs
      : wallClockInstant(schedule.starting.wallClock + k * schedule.everyMs, zone);
  const end = schedule.ending ? instantOf(schedule.ending, zone) : Infinity;
  if (schedule.everyMs <= 0) return [];
  const first = at(0);
  // Start a little before `from` (a wall-clock step may be an hour shorter or longer).
  let k = Math.max(0, Math.floor((from - first) / schedule.everyMs) - 1);
  const out: number[] = [];
  for (let t = at(k); t <= to && t <= end; t = at(++k)) if (t > from) out.push(t);
  return out;
}
