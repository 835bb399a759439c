import { parseAllDocuments } from 'yaml';
import { WORKSPACE_FILE } from '../../../compiler/1-load/index.ts';
import { git, gitText } from './git.ts';
import type { Repository } from './repository.ts';

export interface BaseWorkspace {
  /** Repository-relative folder at the base ('' for the root). */
  prefix: string;
  /** The folder moved: the head's folder did not hold this workspace at the base. */
  moved: boolean;
}

/**
 * Where the head's workspace was at the base commit. Usually the same folder; when that folder
 * held no herald.yaml then, the workspace moved or was renamed: the base's herald.yaml whose
 * Workspace has the head's name is taken, else the only herald.yaml in the base. Undefined when
 * the base has no workspace to compare with (everything in the head is then new).
 */
export function locateBaseWorkspace(repo: Repository, commit: string, workspaceName: string): BaseWorkspace | undefined {
  if (hasFile(repo, commit, join(repo.prefix, WORKSPACE_FILE))) return { prefix: repo.prefix, moved: false };
  const listing = gitText(repo.root, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit], 'listing the base commit');
  const candidates = listing
    .split('\0')
    .filter((p) => p === WORKSPACE_FILE || p.endsWith(`/${WORKSPACE_FILE}`))
    .filter((p) => !p.split('/').some((part) => part === 'node_modules'));
  const named = candidates.filter((p) => workspaceNameAt(repo, commit, p) === workspaceName);
  const chosen = named.length === 1 ? named[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (chosen === undefined) return undefined;
  return { prefix: chosen === WORKSPACE_FILE ? '' : chosen.slice(0, -WORKSPACE_FILE.length - 1), moved: true };
}

function join(prefix: string, file: string): string {
  return prefix === '' ? file : `${prefix}/${file}`;
}

function hasFile(repo: Repository, commit: string, path: string): boolean {
  return git(repo.root, ['cat-file', '-e', `${commit}:${path}`]).ok;
}

/** The Workspace's metadata.name in a herald.yaml at the commit (undefined when unreadable). */
function workspaceNameAt(repo: Repository, commit: string, path: string): string | undefined {
  const r = git(repo.root, ['show', `${commit}:${path}`]);
  if (!r.ok) return undefined;
  try {
    for (const doc of parseAllDocuments(r.stdout.toString('utf8'))) {
      if (!('toJS' in doc)) continue;
      const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (value?.kind === 'Workspace' && typeof value.metadata?.name === 'string') return value.metadata.name;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
