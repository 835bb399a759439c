/**
 * CPU time of benchmark runs, by case. On a shared machine wall time also counts the time other
 * processes hold the cores, so suites print CPU medians beside the table (and may check targets on
 * them). The process's CPU time includes its worker threads (MJML, for one).
 */
export class CpuTimes {
  private readonly runs = new Map<string, number[]>();

  /** Times one run; with `units` (emails, sends) it records the CPU milliseconds per unit. */
  async time(name: string, work: () => Promise<unknown> | unknown, units = 1): Promise<void> {
    const start = process.cpuUsage();
    await work();
    const used = process.cpuUsage(start);
    this.runs.set(name, [...(this.runs.get(name) ?? []), (used.user + used.system) / 1000 / units]);
  }

  /** Median CPU milliseconds (per unit, where runs gave units), leaving out the first `warmup` runs (NaN when none were measured). */
  median(name: string, warmup = 0): number {
    const values = (this.runs.get(name) ?? []).slice(warmup).sort((a, b) => a - b);
    return values.length === 0 ? NaN : values[values.length >> 1]!;
  }
}
