import type { LoadResult } from '../../../compiler/1-load/index.ts';
import type { DefinitionChange } from '../document.ts';

/**
 * Workspace YAML files whose text differs between base and head although no definition in them
 * changed: reformatting, comments, key order, quoting. A reviewer sees them listed as "no effect".
 */
export function unchangedFiles(base: LoadResult, head: LoadResult, changes: readonly DefinitionChange[]): string[] {
  const baseText = new Map(base.files.map((f) => [f.path, f.text]));
  const touched = new Set<string>();
  for (const c of changes) {
    if (c.change === 'affected') continue;
    touched.add(c.file);
    if (c.base_file) touched.add(c.base_file);
  }
  return head.files
    .filter((f) => baseText.has(f.path) && baseText.get(f.path) !== f.text && !touched.has(f.path))
    .map((f) => f.path)
    .sort();
}
