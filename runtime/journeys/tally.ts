import type { RunSummary } from './context.ts';
import type { JourneyProblem } from './types.ts';
import { addCount, nameTable } from '../../compiler/contract/core/own.ts';

/**
 * The running counts of a run, and its problems grouped (one line per distinct message). Counts
 * are keyed by journey, origin and template names, which users choose (`constructor` is one):
 * maps without prototype.
 */
export class RunTally {
  readonly entered = nameTable<number>();
  readonly exited = nameTable<Record<string, number>>();
  readonly queued = nameTable<Record<string, number>>();
  readonly holdouts = nameTable<number>();
  readonly campaigns: RunSummary['campaigns'] = [];
  readonly delivery: RunSummary['delivery'] = { sent: 0, suppressed: {}, delayed: 0, retrying: 0, failed: 0 };
  private readonly problemCounts = new Map<string, { problem: JourneyProblem; n: number }>();
  slices = 0;

  enter(journey: string, n: number): void {
    if (n > 0) addCount(this.entered, journey, n);
  }

  exit(journey: string, reason: string): void {
    addCount((this.exited[journey] ??= nameTable()), reason);
  }

  queue(origin: string, template: string, n = 1): void {
    addCount((this.queued[origin] ??= nameTable()), template, n);
  }

  holdout(origin: string, n = 1): void {
    addCount(this.holdouts, origin, n);
  }

  problem(p: JourneyProblem): void {
    const key = `${p.code}\u0000${p.message}`;
    const seen = this.problemCounts.get(key);
    if (seen) seen.n++;
    else this.problemCounts.set(key, { problem: p, n: 1 });
  }

  summary(from: number, until: number): RunSummary {
    const problems = [...this.problemCounts.values()].map(({ problem, n }) =>
      n === 1 ? problem : { ...problem, message: `${problem.message} (${n} times)` },
    );
    return {
      from,
      until,
      slices: this.slices,
      entered: { ...this.entered },
      exited: structuredClone(this.exited),
      queued: structuredClone(this.queued),
      holdouts: { ...this.holdouts },
      campaigns: [...this.campaigns],
      delivery: structuredClone(this.delivery),
      problems,
    };
  }
}
