import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

/**
 * The fuzzer: mutated copies of the example workspaces (byte flips, truncation, duplicated and
 * deleted lines, type swaps, deep nesting, prototype names, symlinks, directories in place of
 * files, non-UTF-8 bytes: test/fuzz/mutate.ts) through `herald validate --format json` and
 * `herald compile`. Every mutant must end in exit 0, 1 or 2 with located diagnostics or a
 * message, never an internal error or a stack trace (test/fuzz/judge.ts), within the bound.
 *
 * Mutants run in one child process, in-process through the CLI's `main`, for speed; the parent
 * kills the child when one mutant runs past the bound (a hang), records it, and goes on with the
 * next in a new child. HERALD_FUZZ_RUNS (default 200), HERALD_FUZZ_SEED (default: a fixed seed),
 * HERALD_FUZZ_BOUND_MS (default 10 s per mutant); a finding prints its seed and index, and
 * `node bin/run-ts.js test/fuzz/support/make-mutant.ts <seed> <index> <dir>` rebuilds it.
 */
const RUNS = Number(process.env.HERALD_FUZZ_RUNS ?? 200);
const SEED = Number(process.env.HERALD_FUZZ_SEED ?? 20261204);
const BOUND_MS = Number(process.env.HERALD_FUZZ_BOUND_MS ?? 10_000);
const REPO = join(import.meta.dirname, '..', '..');

interface Verdict {
  i: number;
  base?: string;
  mutations?: string[];
  command?: string;
  code?: number;
  ms: number;
  problems: string[];
}

const scratch = mkdtempSync(join(tmpdir(), 'herald-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs mutants [from, to) in one child; stops early (resolving with what it got) when one hangs. */
function runChild(from: number, to: number): Promise<{ verdicts: Verdict[]; next: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--stack-size=984', join(REPO, 'bin', 'run-ts.js'), join(import.meta.dirname, 'support', 'fuzz-child.ts'), String(SEED), String(from), String(to), scratch], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const verdicts: Verdict[] = [];
    let current: { i: number; at: number; mutant: { base?: string; mutations?: string[] } } | undefined;
    let buffer = '';
    let err = '';
    let hung: Verdict | undefined;
    const watchdog = setInterval(() => {
      if (current && Date.now() - current.at > BOUND_MS) {
        hung = { i: current.i, ...current.mutant, ms: Date.now() - current.at, problems: [`ran past the bound of ${BOUND_MS} ms (killed)`] };
        child.kill('SIGKILL');
      }
    }, 250);
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const start = /^START (\d+) (.*)$/.exec(line);
        if (start) current = { i: Number(start[1]), at: Date.now(), mutant: JSON.parse(start[2]!) };
        else if (line.startsWith('{')) {
          verdicts.push(JSON.parse(line) as Verdict);
          current = undefined;
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(watchdog);
      if (hung) return resolve({ verdicts: [...verdicts, hung], next: hung.i + 1 });
      if (current) {
        // The process died inside a mutant (out of memory, a native crash): that mutant failed.
        return resolve({ verdicts: [...verdicts, { i: current.i, ...current.mutant, ms: Date.now() - current.at, problems: [`the process died (exit ${code}): ${err.slice(-400)}`] }], next: current.i + 1 });
      }
      if (code !== 0) return reject(new Error(`fuzz child failed (${code}): ${err.slice(-2000)}`));
      resolve({ verdicts, next: to });
    });
  });
}

it(`${RUNS} mutated workspaces end in a clear exit, never an internal error or a hang (seed ${SEED})`, async () => {
  const verdicts: Verdict[] = [];
  let next = 0;
  while (next < RUNS) {
    const batch = await runChild(next, RUNS);
    verdicts.push(...batch.verdicts);
    next = batch.next;
  }
  const failed = verdicts.filter((v) => v.problems.length > 0);
  const slowest = [...verdicts].sort((a, b) => b.ms - a.ms)[0];
  const byCode = verdicts.reduce<Record<string, number>>((m, v) => ((m[String(v.code ?? 'killed')] = (m[String(v.code ?? 'killed')] ?? 0) + 1), m), {});
  console.log(`fuzz: ${verdicts.length} mutants (seed ${SEED}), exits ${JSON.stringify(byCode)}, ${failed.length} failed, slowest ${slowest?.ms} ms (#${slowest?.i})`);
  for (const f of failed) console.log(`  seed ${SEED} #${f.i} ${f.base ?? ''} [${(f.mutations ?? []).join('; ')}] ${f.command ?? ''}: ${f.problems.join(' | ')}`);
  expect(verdicts).toHaveLength(RUNS);
  expect(failed.map((f) => `#${f.i}: ${f.problems[0]}`)).toEqual([]);
}, Math.max(120_000, RUNS * 2_000));
