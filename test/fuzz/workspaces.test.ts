import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { makeScratch, runMutants, type Verdict } from './support/run-mutants.ts';

/**
 * The fuzzer: mutated copies of the example workspaces (byte flips, truncation, duplicated and
 * deleted lines, type swaps, deep nesting, prototype names, symlinks, directories in place of
 * files, non-UTF-8 bytes: test/fuzz/mutate.ts) through `herald validate --format json` and
 * `herald compile`. Every mutant must end in exit 0, 1 or 2 with located diagnostics or a
 * message, never an internal error or a stack trace (test/fuzz/judge.ts), within the bound.
 *
 * Mutants run one after another in one child process through the compiled CLI's `main`, loaded
 * once, for speed; the parent kills the child when one mutant runs past the bound (a hang),
 * records it, and goes on with the next in a new child (support/run-mutants.ts; the runner's own
 * test, runner.test.ts, plants an internal error, a hang and a crash). HERALD_FUZZ_RUNS (default
 * 200), HERALD_FUZZ_SEED (default: a fixed seed), HERALD_FUZZ_BOUND_MS (default 10 s of CPU per
 * mutant), HERALD_FUZZ_ONLY=3,17 (only those mutants); a finding prints its seed and index, and
 * `node bin/run-ts.js test/fuzz/support/make-mutant.ts <seed> <index> <dir>` rebuilds it.
 */
const RUNS = Number(process.env.HERALD_FUZZ_RUNS ?? 200);
const SEED = Number(process.env.HERALD_FUZZ_SEED ?? 20261204);
const BOUND_MS = Number(process.env.HERALD_FUZZ_BOUND_MS ?? 10_000);
const ONLY = process.env.HERALD_FUZZ_ONLY?.split(',').map(Number);

const scratch = makeScratch();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it(
  `${RUNS} mutated workspaces end in a clear exit, never an internal error or a hang (seed ${SEED})`,
  async () => {
    const verdicts: Verdict[] = await runMutants({ seed: SEED, runs: RUNS, boundMs: BOUND_MS, scratch, only: ONLY });
    const failed = verdicts.filter((v) => v.problems.length > 0);
    const slowest = [...verdicts].sort((a, b) => b.ms - a.ms)[0];
    const byCode = verdicts.reduce<Record<string, number>>(
      (m, v) => ((m[String(v.code ?? 'killed')] = (m[String(v.code ?? 'killed')] ?? 0) + 1), m),
      {},
    );
    console.log(
      `fuzz: ${verdicts.length} mutants (seed ${SEED}), exits ${JSON.stringify(byCode)}, ${failed.length} failed, slowest ${slowest?.ms} ms (#${slowest?.i})`,
    );
    for (const f of failed)
      console.log(
        `  seed ${SEED} #${f.i} ${f.base ?? ''} [${(f.mutations ?? []).join('; ')}] ${f.command ?? ''}: ${f.problems.join(' | ')}`,
      );
    expect(verdicts).toHaveLength(ONLY?.length ?? RUNS);
    expect(failed.map((f) => `#${f.i}: ${f.problems[0]}`)).toEqual([]);
  },
  Math.max(120_000, RUNS * 2_000),
);
