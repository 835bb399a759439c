import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

/** A throwaway folder; removed by `dispose`. */
export function scratch(prefix = 'herald-init-'): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under a folder, workspace-relative. */
export function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    if (statSync(join(root, path)).isDirectory()) out.push(...filesUnder(root, path));
    else out.push(path);
  }
  return out;
}

/** The schema a YAML file's first line points editors at, resolved (undefined without the header). */
export function schemaOf(file: string): string | undefined {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0]!;
  const target = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
  if (!target) return undefined;
  return /^https?:/.test(target) ? target : resolve(dirname(file), target);
}
