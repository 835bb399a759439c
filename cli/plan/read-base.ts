import { join } from 'node:path';
import { compileSide, type CompiledSide } from './compile-side.ts';
import type { PlanNote } from './document.ts';
import { exportTree } from './git/export-tree.ts';
import { locateBaseWorkspace, type BaseWorkspace } from './git/locate-workspace.ts';
import type { Repository } from './git/repository.ts';
import { messageOf } from '../../compiler/diagnostics/catalogue/index.ts';
import { shownPrefix } from '../../compiler/diagnostics/catalogue/plan.ts';

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
export async function readBase(
  repo: Repository,
  commit: string,
  baseRef: string,
  workspaceName: string,
  tmpDir: string,
): Promise<BaseRead> {
  const located = locateBaseWorkspace(repo, commit, workspaceName);
  if (!located) return { notes: [{ code: 'HL393', severity: 'info', message: messageOf('HL393', { base: baseRef }) }] };
  const root = join(tmpDir, 'base');
  await exportTree(repo, commit, located.prefix, root);
  const side = compileSide(root);
  const notes: PlanNote[] = [];
  if (located.moved)
    notes.push({ code: 'HL392', severity: 'info', message: messageOf('HL392', { basePrefix: located.prefix, headPrefix: repo.prefix }) });
  if (!side.manifest) {
    const errors = side.diagnostics.filter((d) => d.severity === 'error').length;
    notes.push({ code: 'HL391', severity: 'warning', message: messageOf('HL391', { base: baseRef, errors }) });
  }
  return { located, side, notes };
}

/** A repository-relative folder as the plan shows it: `.` for the root (worded by the catalogue). */
export const displayPath = shownPrefix;
