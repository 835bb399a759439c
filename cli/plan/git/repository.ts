import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { PlanInputError } from '../errors.ts';
import { git, gitText } from './git.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

/** The git repository a workspace lives in, and the workspace's folder inside it. */
export interface Repository {
  /** Absolute path of the work tree's top folder. */
  root: string;
  /** The workspace folder relative to the root, with forward slashes; '' for the root itself. */
  prefix: string;
}

/** The repository holding `dir` (the head workspace); a clear error when it is not in one. */
export function openRepository(dir: string): Repository {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  if (!r.ok) {
    throw new PlanInputError(
      'HL395',
      messageOf('HL395', { notARepository: dir }),
      'run it inside the repository clone (in CI, check the repository out first)',
    );
  }
  const root = realpathSync(r.stdout.toString('utf8').trim());
  const prefix = relative(root, realpathSync(dir)).split(sep).join('/');
  return { root, prefix };
}

/**
 * The commit a ref names (a branch, tag, `origin/main`, `HEAD~1`, a hash). A ref that does not
 * exist is the usual CI mistake (a shallow clone without the base branch): the message says how
 * to fetch it.
 */
export function resolveCommit(repo: Repository, ref: string): string {
  if (ref.trim() === '' || ref.startsWith('-')) throw new PlanInputError('HL390', messageOf('HL390', { notARef: ref }));
  const r = git(repo.root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!r.ok) {
    const shallow = gitText(repo.root, ['rev-parse', '--is-shallow-repository'], 'checking the clone').trim() === 'true';
    throw new PlanInputError(
      'HL390',
      messageOf('HL390', { missingRef: ref, shallow }),
      `fetch it first (e.g. \`git fetch origin ${ref.replace(/^origin\//, '')}\`, or check out with fetch-depth: 0), or pass another --base`,
    );
  }
  return r.stdout.toString('utf8').trim();
}

/** The short form of a commit for messages. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}
