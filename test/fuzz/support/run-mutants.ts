import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs mutants [0, runs) in child processes (test/fuzz/support/fuzz-child.ts), each mutant
 * in-process there; kills a child whose current mutant runs past the bound and goes on with the
 * next mutant in a new child. Used by the CI fuzz test and by long-run.ts.
 *
 * The bound is on the CPU time the child spends on one mutant (read from /proc), so a machine
 * busy with other work does not turn a slow mutant into a false hang; a mutant that waits without
 * using the CPU is killed after WALL_FACTOR times the bound of wall-clock time.
 */
const WALL_FACTOR = 6;

/** CPU milliseconds a process has used (user + system), or undefined where /proc cannot tell. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
const REPO = join(import.meta.dirname, '..', '..', '..');

export interface RunOptions {
  seed: number;
  runs: number;
  boundMs: number;
  /** An empty folder for the mutants (each removed after its run). */
  scratch: string;
  /** Called with each verdict as it comes. */
  onVerdict?: (v: Verdict) => void;
}

export async function runMutants(o: RunOptions): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  let next = 0;
  while (next < o.runs) {
    const batch = await runChild(o, next, o.runs);
    verdicts.push(...batch.verdicts);
    next = batch.next;
  }
  return verdicts;
}

export interface Verdict {
  i: number;
  base?: string;
  mutations?: string[];
  command?: string;
  code?: number;
  ms: number;
  problems: string[];
}

/** Runs mutants [from, to) in one child; stops early (resolving with what it got) when one hangs. */
function runChild(o: RunOptions, from: number, to: number): Promise<{ verdicts: Verdict[]; next: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'run-ts.js'), join(import.meta.dirname, 'fuzz-child.ts'), String(o.seed), String(from), String(to), o.scratch], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const verdicts: Verdict[] = [];
    let current: { i: number; at: number; cpu: number | undefined; mutant: { base?: string; mutations?: string[] } } | undefined;
    let buffer = '';
    let err = '';
    let hung: Verdict | undefined;
    const watchdog = setInterval(() => {
      if (!current || hung) return;
      const wall = Date.now() - current.at;
      const cpuNow = cpuMs(child.pid);
      const cpu = cpuNow !== undefined && current.cpu !== undefined ? cpuNow - current.cpu : undefined;
      const over = cpu !== undefined ? cpu > o.boundMs || wall > o.boundMs * WALL_FACTOR : wall > o.boundMs;
      if (over) {
        const spent = cpu !== undefined ? `${cpu} ms of CPU in ${wall} ms` : `${wall} ms`;
        hung = { i: current.i, ...current.mutant, ms: wall, problems: [`ran past the bound of ${o.boundMs} ms (${spent}; killed)`] };
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
        if (start) current = { i: Number(start[1]), at: Date.now(), cpu: cpuMs(child.pid), mutant: JSON.parse(start[2]!) };
        else if (line.startsWith('{')) {
          const verdict = JSON.parse(line) as Verdict;
          verdicts.push(verdict);
          o.onVerdict?.(verdict);
          current = undefined;
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(watchdog);
      if (hung) {
        o.onVerdict?.(hung);
        return resolve({ verdicts: [...verdicts, hung], next: hung.i + 1 });
      }
      if (current) {
        // The process died inside a mutant (out of memory, a native crash): that mutant failed.
        const died: Verdict = { i: current.i, ...current.mutant, ms: Date.now() - current.at, problems: [`the process died (exit ${code}): ${err.slice(-400)}`] };
        o.onVerdict?.(died);
        return resolve({ verdicts: [...verdicts, died], next: current.i + 1 });
      }
      if (code !== 0) return reject(new Error(`fuzz child failed (${code}): ${err.slice(-2000)}`));
      resolve({ verdicts, next: to });
    });
  });
}

