import { Writable } from 'node:stream';
import type { CliIO } from '../command.ts';

/**
 * How the main job talks: result lines on stdout, line by line, the same with or without a
 * terminal (so CI logs and a person read the same text); on a terminal also one transient
 * progress line on stderr that is redrawn in place and erased before the next result line.
 */
export class Reporter {
  readonly tty: boolean;
  private progressShown = false;
  private lastProgressAt = 0;

  constructor(private readonly io: CliIO) {
    // CI=true means a log, even when a pseudo-terminal is attached.
    this.tty = io.stderr.isTTY === true && !isCi(io.env);
  }

  /** One result line (indented under the current step when `indent`). */
  line(text: string, indent = true): void {
    this.clearProgress();
    for (const l of text.split('\n')) this.io.stdout.write(`${indent && l !== '' ? '      ' : ''}${l}\n`);
  }

  /** A step's heading: `[2/5] ingest  loads the sources`. */
  heading(index: number, total: number, title: string): void {
    this.line(`[${index}/${total}] ${title}`, false);
  }

  /** A warning or failure explanation: stderr, so stdout stays the job's results. */
  problem(text: string): void {
    this.clearProgress();
    this.io.stderr.write(`${text}\n`);
  }

  /** Redraws the progress line (terminal only; at most ~20 times a second). */
  progress(text: string): void {
    if (!this.tty) return;
    const now = Date.now();
    if (this.progressShown && now - this.lastProgressAt < 50) return;
    this.lastProgressAt = now;
    const width = (this.io.stderr as { columns?: number }).columns ?? 100;
    this.io.stderr.write(`\r\x1b[K${text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text}`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.io.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }

  /**
   * A CliIO whose stdout lines become this job's indented result lines and whose stderr lines
   * are problems: for reusing a command's printing functions inside a step.
   */
  asIO(): CliIO {
    return { ...this.io, stdout: lineStream((l) => this.line(l)), stderr: lineStream((l) => this.problem(l)) };
  }

  /**
   * Runs `work` while a terminal shows `label` with the seconds elapsed, for long steps that
   * report nothing along the way (model training). Without a terminal it is just `work`.
   */
  async timed<T>(label: string, work: () => Promise<T>): Promise<T> {
    if (!this.tty) return work();
    const start = Date.now();
    const draw = () => this.progress(`${label} ${formatDuration(Date.now() - start)}`);
    draw();
    const timer = setInterval(draw, 250);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      this.clearProgress();
    }
  }
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** `850 ms`, `12.3 s`, `2 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** A writable that hands over complete lines (a trailing partial line is kept until the next write). */
function lineStream(onLine: (line: string) => void): NodeJS.WritableStream {
  let pending = '';
  return new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk);
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) onLine(l);
      done();
    },
    final(done) {
      if (pending !== '') onLine(pending);
      done();
    },
  });
}
