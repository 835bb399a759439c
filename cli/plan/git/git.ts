import { spawnSync } from 'node:child_process';
import { PlanInputError } from '../errors.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

export interface GitResult {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs git in `cwd` and returns its output. Git's own environment variables (GIT_DIR and friends,
 * set when Herald runs from a git hook) are dropped, so the repository is always the one `cwd` is in.
 */
export function git(cwd: string, args: readonly string[], input?: string): GitResult {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^GIT_(DIR|WORK_TREE|INDEX_FILE|PREFIX)$/.test(k)));
  const r = spawnSync('git', args, { cwd, env, input, maxBuffer: 1 << 30 });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PlanInputError('HL395', messageOf('HL395', missing ? { gitMissing: true } : { gitCouldNotRun: r.error.message }));
  }
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

/** git's stdout as text, or a PlanInputError with git's message. */
export function gitText(cwd: string, args: readonly string[], what: string): string {
  const r = git(cwd, args);
  if (!r.ok) throw new PlanInputError('HL395', messageOf('HL395', { doing: what, gitSays: r.stderr || `git ${args[0]} failed` }));
  return r.stdout.toString('utf8');
}
