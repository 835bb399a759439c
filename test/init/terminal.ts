import { spawn, type ChildProcess } from 'node:child_process';

export const KEY = { enter: '\r', down: '\u001b[B', backspace: '\u007f', ctrlC: '\u0003' } as const;

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-B]|\u001b[=>78]/g;

/**
 * A command run on a real pseudo-terminal (through `script`), so it sees a TTY on stdin and stdout
 * exactly as in a terminal, and a test types into it like a person: waits for a question, types.
 */
export class Terminal {
  private readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<number | null>;

  constructor(argv: string[], cwd: string) {
    const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '160', LINES: '50' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.output += String(d)));
    this.child.stderr!.on('data', (d) => (this.output += String(d)));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Everything shown so far, without terminal escape sequences. */
  get screen(): string {
    return this.output.replace(ANSI, '');
  }

  /** Waits until the screen shows `text` after position `from` (returns the position after it). */
  async waitFor(text: string | RegExp, from = 0, ms = 20_000): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const rest = this.screen.slice(from);
      const at = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
      if (at !== -1) return from + at + (typeof text === 'string' ? text.length : 1);
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(text)}; it shows:\n${this.screen.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  async exitCode(ms = 30_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
