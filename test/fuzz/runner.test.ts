import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeScratch, runMutants } from './support/run-mutants.ts';

/**
 * The fuzz runner catches what it is meant to catch, end to end: a CLI with planted faults
 * (fixtures/planted-cli.mjs) runs behind the same child process, watchdog and judge as the real
 * one. Each fault is found at its own mutant, and the mutants after a hang or a crash still run
 * (in a new child) and pass.
 */
const PLANTS = ['clean', 'internal error', 'spins', 'clean', 'waits', 'unlocated', 'throws', 'crashes', 'stray stack', 'clean'];
const scratch = makeScratch();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('flags a planted internal error, stack trace, hang, crash and unlocated diagnostic, and goes on after each', async () => {
  const verdicts = await runMutants({
    seed: 1,
    runs: PLANTS.length,
    boundMs: 500,
    wallBoundMs: 2_500,
    scratch,
    cli: join(import.meta.dirname, 'fixtures', 'planted-cli.mjs'),
    mutate: (dir, i) => {
      writeFileSync(join(dir, 'PLANT'), PLANTS[i]!);
      return { base: 'planted', mutations: [PLANTS[i]!] };
    },
  });
  const found = verdicts.map((v) => [PLANTS[v.i], v.problems.join(' | ')]);
  expect(verdicts.map((v) => v.i)).toEqual(PLANTS.map((_, i) => i));
  expect(found).toEqual([
    ['clean', ''],
    ['internal error', expect.stringMatching(/^internal error: .*\| stack trace: .*at /)],
    ['spins', expect.stringMatching(/^ran past the bound of 500 ms \(\d+ ms of CPU in \d+ ms; killed\)$/)],
    ['clean', ''],
    ['waits', expect.stringMatching(/^ran past the bound of 500 ms \(\d+ ms of CPU in \d{4,} ms; killed\)$/)],
    ['unlocated', expect.stringMatching(/^diagnostic without a position: HL205 herald\.yaml/)],
    ['throws', expect.stringMatching(/^exit code -1 \| stack trace: +main threw: RangeError/)],
    ['crashes', expect.stringMatching(/^the process died \(exit 134\)/)],
    ['stray stack', expect.stringMatching(/^stack trace: .*Error: late/)],
    ['clean', ''],
  ]);
}, 60_000);
