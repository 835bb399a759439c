import { Writable } from 'node:stream';
import type { CliIO } from '../../cli/command.ts';
import { main } from '../../cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs the CLI in-process with captured output (no TTY, so no colour). */
export async function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const io: CliIO = { stdout: out.stream, stderr: err.stream, cwd, env };
  const code = await main(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}
