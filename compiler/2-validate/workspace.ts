import { WORKSPACE_FILE, type LoadResult } from '../1-load/index.ts';
import type { LoadedDocument } from '../1-load/parse-file.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import { positionAt } from '../1-load/source-file.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { isKind, isPlainObject } from './document.ts';

/**
 * A workspace has exactly one Workspace document, in herald.yaml. Returns the diagnostics and the
 * Workspace documents that are misplaced (which are then not definitions).
 */
export function checkWorkspacePlacement(loaded: LoadResult): { diagnostics: Diagnostic[]; misplaced: Set<LoadedDocument> } {
  const diagnostics: Diagnostic[] = [];
  const misplaced = new Set<LoadedDocument>();
  const workspaceDocs = loaded.documents.filter((d) => isPlainObject(d.value) && d.value.kind === 'Workspace');
  const inRoot = workspaceDocs.filter((d) => d.file.path === WORKSPACE_FILE);
  for (const doc of workspaceDocs) {
    if (doc.file.path === WORKSPACE_FILE) continue;
    misplaced.add(doc);
    diagnostics.push(
      diagnostic(
        'HL211',
        { workspaceFile: WORKSPACE_FILE, foundIn: doc.file.path },
        {
          file: doc.file.path,
          range: rangeOfPath(doc, ['kind']),
          help: `a workspace has exactly one Workspace document, in ${WORKSPACE_FILE} at its root; move or remove this one`,
        },
      ),
    );
  }
  const first = inRoot[0];
  for (const doc of inRoot.slice(1)) {
    misplaced.add(doc);
    const at = first ? positionAt(first.file, rangeOfPath(first, ['kind']).start.offset) : undefined;
    diagnostics.push(
      diagnostic(
        'HL211',
        { workspaceFile: WORKSPACE_FILE, documents: 'several' },
        {
          file: doc.file.path,
          range: rangeOfPath(doc, ['kind']),
          ...(at ? { notes: [`the first one is at ${WORKSPACE_FILE}:${at.line}:${at.column}`] } : {}),
          help: 'keep one Workspace document and merge the other into it',
        },
      ),
    );
  }
  if (inRoot.length === 0 && rootFileIsReadable(loaded)) {
    diagnostics.push(
      diagnostic(
        'HL211',
        { workspaceFile: WORKSPACE_FILE, documents: 'none' },
        {
          file: WORKSPACE_FILE,
          range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
          help: 'add a document with `kind: Workspace` (database, timezone and the data model); `herald init` writes one',
        },
      ),
    );
  }
  return { diagnostics, misplaced };
}

/** Only say "no Workspace document" when herald.yaml was read whole and every document in it has a known kind. */
function rootFileIsReadable(loaded: LoadResult): boolean {
  if (!loaded.files.some((f) => f.path === WORKSPACE_FILE)) return false;
  if (loaded.diagnostics.some((d) => d.file === WORKSPACE_FILE && d.severity === 'error')) return false;
  return loaded.documents.filter((d) => d.file.path === WORKSPACE_FILE).every((d) => isPlainObject(d.value) && isKind(d.value.kind));
}
