/**
 * A long fuzz run outside the test runner: `node bin/run-ts.js test/fuzz/support/long-run.ts
 * <runs> [seed] [bound ms]` (HERALD_FUZZ_ONLY=3,17 re-runs only those mutants). Prints a progress
 * line every 500 mutants, every failure as it comes, and the totals at the end (the figure the
 * README gives): mutants, failures, hangs, wall time, rate, CPU time and the machine's load.
 */
import { cpus, loadavg } from 'node:os';
import { rmSync } from 'node:fs';
import { makeScratch, runMutants, type Verdict } from './run-mutants.ts';

const runs = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000_007);
const boundMs = Number(process.argv[4] ?? 10_000);
const only = process.env.HERALD_FUZZ_ONLY?.split(',').map(Number);
const scratch = makeScratch();
const started = Date.now();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
let done = 0;
let failed = 0;
let slowest = 0;
let slowestAt = -1;
let cpuMs = 0;
let mostCpu = 0;
let mostCpuAt = -1;
const exits: Record<string, number> = {};
const progress = () => {
  const s = (Date.now() - started) / 1000;
  return `${done} mutants, ${failed} failed, slowest ${slowest} ms (#${slowestAt}), ${Math.round(s)} s, ${Math.round((done / s) * 60)} mutants/min, load ${load()}`;
};
process.stdout.write(
  `seed ${seed}, ${only ? `mutants ${only.join(',')}` : `${runs} mutants`}, bound ${boundMs} ms of CPU, ${cpus().length} cores, load ${load()}, started ${new Date(started).toISOString()}\n`,
);
const report = (v: Verdict) => {
  done++;
  if (v.ms > slowest) [slowest, slowestAt] = [v.ms, v.i];
  cpuMs += v.cpuMs ?? 0;
  if ((v.cpuMs ?? 0) > mostCpu) [mostCpu, mostCpuAt] = [v.cpuMs!, v.i];
  const exit = String(v.code ?? 'killed');
  exits[exit] = (exits[exit] ?? 0) + 1;
  if (v.problems.length > 0) {
    failed++;
    process.stdout.write(
      `FAIL seed ${seed} #${v.i} ${v.base ?? ''} [${(v.mutations ?? []).join('; ')}] ${v.command ?? ''}: ${v.problems.join(' | ').slice(0, 400)}\n`,
    );
  }
  if (done % 500 === 0) process.stdout.write(`${progress()}\n`);
};
try {
  const verdicts = await runMutants({ seed, runs, boundMs, scratch, only, onVerdict: report });
  const hangs = verdicts.filter((v) => v.problems.some((p) => p.startsWith('ran past the bound'))).length;
  const cpu = process.cpuUsage();
  if (done % 500 !== 0) process.stdout.write(`${progress()}\n`);
  process.stdout.write(
    `TOTAL seed ${seed}: ${verdicts.length} mutants, ${failed} failed (${hangs} past the ${boundMs} ms bound), slowest ${slowest} ms (#${slowestAt}), exits ${JSON.stringify(exits)}, ` +
      `${Math.round((Date.now() - started) / 1000)} s; CPU: the CLI's ${Math.round(cpuMs / 1000)} s (most on one mutant ${mostCpu} ms, #${mostCpuAt}), ` +
      `making and judging the mutants ${Math.round((cpu.user + cpu.system) / 1e6)} s; finished ${new Date().toISOString()}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
