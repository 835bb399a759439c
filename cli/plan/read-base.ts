import { join } from 'node:path';
import { compileSide, type CompiledSide } from './compile-side.ts';
import type { PlanNote } from './document.ts';
import { exportTree } from './git/export-tree.ts';
import { locateBaseWorkspace, type BaseWorkspace } from './git/locate-workspace.ts';
import type { Repository } from './git/repository.ts';

export interface BaseRead {
  /** Where the workspace was at the base; undefined when the base has none. */
  located?: BaseWorkspace;
  /** The base compiled (with or without a manifest); undefined when the base has no workspace. */
  side?: CompiledSide;
  notes: PlanNote[];
}

/**
 * The base side: the workspace found at the base commit (following a move), written into
 * `tmpDir/base` from git and compiled there. Notes say when it moved, does not compile, or is missing.
 */
export async function readBase(repo: Repository, commit: string, baseRef: string, workspaceName: string, tmpDir: string): Promise<BaseRead> {
  const located = locateBaseWorkspace(repo, commit, workspaceName);
  if (!located) return { notes: [{ code: 'HL393', severity: 'info', message: `the base (${baseRef}) has no Herald workspace: everything in the head is new` }] };
  const root = join(tmpDir, 'base');
  await exportTree(repo, commit, located.prefix, root);
  const side = compileSide(root);
  const notes: PlanNote[] = [];
  if (located.moved) notes.push({ code: 'HL392', severity: 'info', message: `the workspace moved: ${displayPath(located.prefix)} at the base, ${displayPath(repo.prefix)} now; definitions are compared by kind and name` });
  if (!side.manifest) {
    const errors = side.diagnostics.filter((d) => d.severity === 'error').length;
    notes.push({ code: 'HL391', severity: 'warning', message: `the base (${baseRef}) does not compile (${errors} error${errors === 1 ? '' : 's'}): changes are found by comparing the documents, and audiences are counted for the head only` });
  }
  return { located, side, notes };
}

/** A repository-relative folder as the plan shows it: `.` for the root. */
export function displayPath(prefix: string): string {
  return prefix === '' ? '.' : prefix;
}
