import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll } from 'vitest';
import { main } from '../../cli/main.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

export interface WorkspaceCopies {
  /** The temp folder every copy lives in (removed after the test file). */
  base: string;
  /** A fresh copy of the example, `<base>/ws<n>`. */
  copy(): string;
  /** Runs the CLI in-process from `base`, with an empty environment. */
  herald(args: string[]): Promise<CliResult>;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
  /** stdout and stderr as they came, interleaved. */
  text: string;
}

/**
 * Copies of an example workspace (default: the quickstart) for tests that mutate one per case:
 * all in one temp folder, removed when the test file is done. Call at the top of a test file.
 */
export function workspaceCopies(prefix: string, example = 'quickstart'): WorkspaceCopies {
  const base = mkdtempSync(join(tmpdir(), `herald-${prefix}-`));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  let n = 0;
  return {
    base,
    copy() {
      const root = join(base, `ws${n++}`);
      cpSync(join(EXAMPLES, example), root, { recursive: true });
      return root;
    },
    herald: (args) => runHerald(args, base),
  };
}

/** The CLI in-process with captured output (no TTY, so no colour) and an empty environment. */
export async function runHerald(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  let text = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        const s = String(chunk);
        add(s);
        text += s;
        done();
      },
    });
  const code = await main(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), cwd, env });
  return { code, out, err, text };
}
