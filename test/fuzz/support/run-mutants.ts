import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../../support/built-cli.ts';
import { judge } from '../judge.ts';
import { makeMutant, random, type Mutant } from '../mutate.ts';

/**
 * Runs mutants through the CLI in a long-lived child process (fuzz-child.mjs: the compiled CLI in
 * dist/, loaded once), one mutant at a time, and judges each answer (judge.ts). While the child
 * runs a mutant, this process makes the next one and removes the files of the last, so the two
 * cores of a small machine both work. A child whose current mutant runs past the bound is killed
 * (the mutant is a hang) and a child that dies inside a mutant is a finding; either way a new
 * child goes on with the next mutant. Used by the CI fuzz test and by long-run.ts.
 *
 * The bound is on the CPU time the child spends on one mutant (read from /proc), so a machine
 * busy with other work does not turn a slow mutant into a false hang; a mutant that waits without
 * using the CPU is killed after `wallBoundMs` of wall-clock time (default: 6 times the bound).
 */
const WALL_FACTOR = 6;
const REPO = join(import.meta.dirname, '..', '..', '..');
const CHILD = join(import.meta.dirname, 'fuzz-child.mjs');
/** The compiled CLI, what `herald` runs. */
export const COMPILED_CLI = join(REPO, 'dist', 'cli', 'main.js');

export interface RunOptions {
  seed: number;
  runs: number;
  /** CPU milliseconds one mutant may use. */
  boundMs: number;
  /** Wall-clock milliseconds one mutant may take (default: 6 times boundMs). */
  wallBoundMs?: number;
  /** An empty folder for the mutants (each removed after its run); see makeScratch. */
  scratch: string;
  /** Only these mutant indices (to re-run findings), instead of 0 .. runs - 1. */
  only?: number[];
  /** Called with each verdict as it comes. */
  onVerdict?: (v: Verdict) => void;
  /** The module whose `main(argv, io)` runs each mutant (default: the compiled CLI, built when stale). */
  cli?: string;
  /** Writes mutant `i` into the empty folder `dir` (default: mutate.ts's makeMutant with the seed). */
  mutate?: (dir: string, i: number) => Mutant;
}

export interface Verdict {
  i: number;
  base?: string;
  mutations?: string[];
  command?: string;
  code?: number;
  /** Wall-clock milliseconds the CLI took. */
  ms: number;
  /** CPU milliseconds the child used on this mutant (from /proc; absent where it cannot tell). */
  cpuMs?: number;
  problems: string[];
}

/** A fresh folder for mutants: in memory (/dev/shm) where there is one, as mutants are many small files. */
export function makeScratch(): string {
  const shm = '/dev/shm';
  return mkdtempSync(join(existsSync(shm) ? shm : tmpdir(), 'herald-fuzz-'));
}

interface Job {
  i: number;
  dir: string;
  mutant: Mutant;
  format: 'json' | 'pretty';
  argv: string[];
}

export async function runMutants(o: RunOptions): Promise<Verdict[]> {
  const indices = o.only ?? Array.from({ length: o.runs }, (_, k) => k);
  if (!o.cli) ensureBuilt();
  const cli = o.cli ?? COMPILED_CLI;
  const mutate = o.mutate ?? ((dir: string, i: number) => makeMutant(dir, o.seed, i));
  const prepare = (i: number): Job => {
    const dir = join(o.scratch, `m${i}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const mutant = mutate(dir, i);
    const format = random(o.seed ^ (i * 7919))() < 0.75 ? 'json' : 'pretty';
    return { i, dir, mutant, format, argv: format === 'json' ? ['validate', dir, '--format', 'json'] : ['compile', dir] };
  };
  const verdicts: Verdict[] = [];
  let child = new FuzzChild(cli);
  let next = indices.length > 0 ? prepare(indices[0]!) : undefined;
  let finished: string | undefined;
  try {
    for (let k = 0; next; k++) {
      const job = next;
      await child.ready;
      const running = runOne(child, job, o);
      // While the child works on this mutant: make the next one, remove the last one's files.
      next = k + 1 < indices.length ? prepare(indices[k + 1]!) : undefined;
      if (finished) rmSync(finished, { recursive: true, force: true });
      const verdict = await running;
      finished = job.dir;
      verdicts.push(verdict);
      o.onVerdict?.(verdict);
      if (!child.alive) child = new FuzzChild(cli);
    }
  } finally {
    child.close();
    if (finished) rmSync(finished, { recursive: true, force: true });
    if (next) rmSync(next.dir, { recursive: true, force: true });
  }
  return verdicts;
}

/** Runs one mutant in the child under the watchdog and judges the outcome. */
async function runOne(child: FuzzChild, job: Job, o: RunOptions): Promise<Verdict> {
  const about = { i: job.i, base: job.mutant.base, mutations: job.mutant.mutations, command: job.argv[0] };
  const wallBound = o.wallBoundMs ?? o.boundMs * WALL_FACTOR;
  const at = Date.now();
  const cpuAtStart = child.cpuMs();
  let watchdog: NodeJS.Timeout | undefined;
  const overBound = new Promise<string>((resolve) => {
    watchdog = setInterval(() => {
      const wall = Date.now() - at;
      const cpuNow = child.cpuMs();
      const cpu = cpuNow !== undefined && cpuAtStart !== undefined ? cpuNow - cpuAtStart : undefined;
      const over = cpu !== undefined ? cpu > o.boundMs || wall > wallBound : wall > o.boundMs;
      if (over) resolve(cpu !== undefined ? `${cpu} ms of CPU in ${wall} ms` : `${wall} ms`);
    }, 250);
  });
  const answer = await Promise.race([
    child.run({ i: job.i, argv: job.argv, cwd: o.scratch }),
    overBound.then((spent) => ({ hang: spent })),
  ]);
  clearInterval(watchdog);
  if ('hang' in answer) {
    child.kill();
    return { ...about, ms: Date.now() - at, problems: [`ran past the bound of ${o.boundMs} ms (${answer.hang}; killed)`] };
  }
  // Output the CLI wrote to the process's own streams (not to its io) belongs to this mutant too:
  // a user would see it. One turn of the event loop lets what was written before the answer arrive.
  await new Promise((resolve) => setImmediate(resolve));
  const stray = child.takeStray();
  if ('exit' in answer) {
    return { ...about, ms: Date.now() - at, problems: [`the process died (${answer.exit}): ${stray.slice(-400)}`] };
  }
  const stderr = stray ? `${answer.stderr}\n${stray}` : answer.stderr;
  const problems = judge({ code: answer.code, stdout: answer.stdout, stderr, format: job.format });
  const cpuNow = child.cpuMs();
  const cpuMs = cpuNow !== undefined && cpuAtStart !== undefined ? cpuNow - cpuAtStart : undefined;
  return { ...about, code: answer.code, ms: answer.ms, cpuMs, problems };
}

interface Answer {
  i: number;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** One fuzz-child.mjs process: a CLI loaded once, answering one mutant at a time over IPC. */
class FuzzChild {
  readonly ready: Promise<void>;
  private readonly proc: ChildProcess;
  private stray = '';
  private exited: string | undefined;
  private answered = -1;
  private waiting: ((a: Answer | { exit: string }) => void) | undefined;

  constructor(cli: string) {
    this.proc = spawn(process.execPath, [CHILD, cli], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.proc.stdout!.on('data', (d: Buffer) => (this.stray += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stray += d.toString()));
    let started: () => void;
    let failed: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((started = resolve), (failed = reject)));
    // Only a waiter of `ready` hears of a failed start (a child killed unused is no failure).
    this.ready.catch(() => undefined);
    this.proc.on('message', (m: Answer | { ready: true }) => {
      if ('ready' in m) return started();
      this.answered = m.i;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.(m);
    });
    this.proc.on('error', (e) => failed(e));
    this.proc.on('exit', (code, signal) => {
      this.exited = signal ? `signal ${signal}` : `exit ${code}`;
      // Dying before it was ready is no mutant's fault: the CLI could not be loaded at all.
      failed(new Error(`the fuzz child could not start (${this.exited}): ${this.stray.slice(-2000)}`));
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.({ exit: this.exited });
    });
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  run(job: { i: number; argv: string[]; cwd: string }): Promise<Answer | { exit: string }> {
    // A process that died after its last answer (work left running after `main` returned).
    if (this.exited) return Promise.resolve({ exit: `${this.exited}, after mutant #${this.answered} answered, before this one started` });
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.proc.send(job);
    });
  }

  takeStray(): string {
    const text = this.stray;
    this.stray = '';
    return text;
  }

  /** CPU milliseconds the process has used (user + system), or undefined where /proc cannot tell. */
  cpuMs(): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s on Linux.
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }

  /** Lets an idle child end by itself (it exits when the IPC channel closes). */
  close(): void {
    if (this.alive && this.proc.connected) this.proc.disconnect();
    else this.kill();
  }

  kill(): void {
    if (!this.alive) return;
    this.exited = 'killed';
    this.proc.kill('SIGKILL');
  }
}
