import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { UsageError } from '../command.ts';
import { withSchemaHeader } from './schema-header.ts';

/** A file a wizard creates: workspace-relative path and content. YAML files get the editor header. */
export interface NewFile {
  path: string;
  content: string;
}

/**
 * Writes new files into a workspace, never over an existing one: every target is checked before
 * anything is written, so a refusal leaves the folder as it was. Returns what was written, for
 * the summary and for taking it back.
 */
export function writeNewFiles(root: string, files: readonly NewFile[], schema: string): string[] {
  const taken = files.filter((f) => existsSync(join(root, f.path))).map((f) => f.path);
  if (taken.length > 0) throw new UsageError(`refusing to overwrite ${taken.join(', ')} in ${root}`);
  const written: string[] = [];
  for (const f of files) {
    const abs = join(root, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, /\.ya?ml$/.test(f.path) ? withSchemaHeader(f.content, abs, schema) : f.content);
    written.push(f.path);
  }
  return written;
}

/** Takes back files `writeNewFiles` wrote (and the folders it made, when left empty). */
export function removeFiles(root: string, paths: readonly string[]): void {
  for (const p of paths) rmSync(join(root, p), { force: true });
  for (const p of paths) {
    for (let dir = dirname(join(root, p)); relative(root, dir) !== '' && !relative(root, dir).startsWith('..'); dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break; // not empty
      }
    }
  }
}

export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return (rel === '' ? '.' : rel.startsWith('..') ? abs : rel).split(sep).join('/');
}
