import type { RunSummary } from './context.ts';
import type { JourneyProblem } from './types.ts';

/** The running counts of a run, and its problems grouped (one line per distinct message). */
export class RunTally {
  readonly entered: Record<string, number> = {};
  readonly exited: Record<string, Record<string, number>> = {};
  readonly queued: Record<string, Record<string, number>> = {};
  readonly holdouts: Record<string, number> = {};
  readonly campaigns: RunSummary['campaigns'] = [];
  readonly delivery: RunSummary['delivery'] = { sent: 0, suppressed: {}, delayed: 0, retrying: 0, failed: 0 };
  private readonly problemCounts = new Map<string, { problem: JourneyProblem; n: number }>();
  slices = 0;

  enter(journey: string, n: number): void {
    if (n > 0) this.entered[journey] = (this.entered[journey] ?? 0) + n;
  }

  exit(journey: string, reason: string): void {
    const byReason = (this.exited[journey] ??= {});
    byReason[reason] = (byReason[reason] ?? 0) + 1;
  }

  queue(origin: string, template: string, n = 1): void {
    const byTemplate = (this.queued[origin] ??= {});
    byTemplate[template] = (byTemplate[template] ?? 0) + n;
  }

  holdout(origin: string, n = 1): void {
    this.holdouts[origin] = (this.holdouts[origin] ?? 0) + n;
  }

  problem(p: JourneyProblem): void {
    const key = `${p.code}\u0000${p.message}`;
    const seen = this.problemCounts.get(key);
    if (seen) seen.n++;
    else this.problemCounts.set(key, { problem: p, n: 1 });
  }

  summary(from: number, until: number): RunSummary {
    const problems = [...this.problemCounts.values()].map(({ problem, n }) => (n === 1 ? problem : { ...problem, message: `${problem.message} (${n} times)` }));
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
