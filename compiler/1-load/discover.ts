import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALWAYS_IGNORED, isIgnored, parseIgnoreFile, type IgnoreRule } from './ignore.ts';

/**
 * Finds every `*.yaml` / `*.yml` under the root, in a stable (sorted) order, honouring `.heraldignore`.
 * Anything so named that is not a folder is returned (even a broken link or a FIFO): the loader
 * reports what it cannot read instead of skipping it silently.
 */
export function discoverYamlFiles(root: string): string[] {
  const ignoreFile = join(root, '.heraldignore');
  const rules: IgnoreRule[] = existsSync(ignoreFile) ? parseIgnoreFile(readFileSync(ignoreFile, 'utf8')) : [];
  const found: string[] = [];
  walk(root, '', rules, found);
  return found.sort();
}

function walk(abs: string, rel: string, rules: IgnoreRule[], found: string[]): void {
  const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const absPath = join(abs, entry.name);
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        isDir = statSync(absPath).isDirectory();
      } catch {
        // A broken link named like a definition file is reported by the loader (it cannot be read).
        isDir = false;
      }
    }
    if (isDir) {
      if (ALWAYS_IGNORED.has(entry.name) || isIgnored(rules, relPath, true)) continue;
      walk(absPath, relPath, rules, found);
    } else if (/\.ya?ml$/i.test(entry.name) && !isIgnored(rules, relPath, false)) {
      found.push(relPath);
    }
  }
}
