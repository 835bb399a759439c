/**
 * A long fuzz run outside the test runner: `node bin/run-ts.js test/fuzz/support/long-run.ts
 * <runs> [seed] [bound ms]`. Prints a progress line every 500 mutants, every failure as it comes,
 * and the totals at the end (the figure the README gives).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMutants, type Verdict } from './run-mutants.ts';

const runs = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000_007);
const boundMs = Number(process.argv[4] ?? 10_000);
const scratch = mkdtempSync(join(tmpdir(), 'herald-fuzz-long-'));
const started = Date.now();
let done = 0;
let failed = 0;
let slowest = 0;
const report = (v: Verdict) => {
  done++;
  slowest = Math.max(slowest, v.ms);
  if (v.problems.length > 0) {
    failed++;
    process.stdout.write(`FAIL seed ${seed} #${v.i} ${v.base ?? ''} [${(v.mutations ?? []).join('; ')}] ${v.command ?? ''}: ${v.problems.join(' | ').slice(0, 400)}\n`);
  }
  if (done % 500 === 0) process.stdout.write(`${done} mutants, ${failed} failed, slowest ${slowest} ms, ${Math.round((Date.now() - started) / 1000)} s\n`);
};
try {
  const verdicts = await runMutants({ seed, runs, boundMs, scratch, onVerdict: report });
  const hangs = verdicts.filter((v) => v.problems.some((p) => p.startsWith('ran past the bound'))).length;
  process.stdout.write(`TOTAL seed ${seed}: ${verdicts.length} mutants, ${failed} failed (${hangs} past the ${boundMs} ms bound), slowest ${slowest} ms, ${Math.round((Date.now() - started) / 1000)} s\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
