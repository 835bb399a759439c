import { walkWorkspace, readWorkspaceText, isRefused, type SkippedEntry } from '../files/workspace-files.ts';
import { ALWAYS_IGNORED, isIgnored, parseIgnoreFile, type IgnoreRule } from './ignore.ts';

export interface Discovered {
  /** Workspace-relative paths of the definition files, sorted. */
  files: string[];
  /** Folder links not followed: out of the workspace, or back into it (a loop). */
  skipped: SkippedEntry[];
}

/**
 * Finds every `*.yaml` / `*.yml` under the root, in a stable (sorted) order, honouring `.heraldignore`.
 * Anything so named that is not a folder is returned (even a broken link or a FIFO): the loader
 * reports what it cannot read instead of skipping it silently.
 */
export function discoverYamlFiles(root: string): string[] {
  return discoverWorkspace(root).files;
}

export function discoverWorkspace(root: string): Discovered {
  const ignore = readWorkspaceText(root, '.heraldignore');
  const rules: IgnoreRule[] = isRefused(ignore) ? [] : parseIgnoreFile(ignore.value);
  const found: string[] = [];
  const skipped: SkippedEntry[] = [];
  walkWorkspace(root, {
    enterDir: (rel, name) => !(ALWAYS_IGNORED.has(name) || isIgnored(rules, rel, true)),
    file: (rel, name) => {
      if (/\.ya?ml$/i.test(name) && !isIgnored(rules, rel, false)) found.push(rel);
    },
    skipped: (entry) => skipped.push(entry),
  });
  return { files: found.sort(), skipped };
}
