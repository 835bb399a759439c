import { compileGlob, GlobError, type CompiledGlob } from '../files/glob.ts';

/**
 * `.heraldignore`: gitignore syntax (the subset people actually use): `#` comments, blank lines,
 * `*`, `?`, `**`, a trailing `/` for folders only, a leading `/` to anchor at the root, and `!` to
 * re-include. The last matching pattern wins, as in git.
 */
export interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  glob: CompiledGlob;
}

/**
 * Folders never worth walking: dependencies, build output, VCS metadata, runtime state, and
 * message catalogues (`translations/<language>.yaml`, read by the Templates that name them).
 */
export const ALWAYS_IGNORED = new Set(['node_modules', '.git', 'build', 'out', '.herald', 'translations']);

export function parseIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    const anchored = line.startsWith('/') || line.slice(0, -1).includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    let glob: CompiledGlob;
    try {
      // gitignore's `*` matches dot-files too; an unanchored pattern matches at any depth.
      glob = compileGlob(anchored ? line : `**/${line}`, { dot: true });
    } catch (e) {
      if (e instanceof GlobError) continue; // a pattern too costly to match ignores nothing
      throw e;
    }
    rules.push({ negate, dirOnly, glob });
  }
  return rules;
}

/** True when `relPath` (forward slashes, relative to the root) is ignored. */
export function isIgnored(rules: readonly IgnoreRule[], relPath: string, isDir: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.glob.matches(relPath)) ignored = !rule.negate;
  }
  return ignored;
}
