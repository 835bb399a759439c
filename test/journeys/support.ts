import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runPipeline } from '../../compiler/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';

export const REPO = join(import.meta.dirname, '..', '..');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'journeys');

// Removed when the process ends (test files run in their own process; benchmarks import this too).
const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway copy of `base` with the files of each overlay folder copied over it. */
export function workspaceFrom(base: string, ...overlays: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-journeys-'));
  made.push(dir);
  cpSync(base, dir, { recursive: true, filter: (src) => !/[\\/](\.herald|build|out)([\\/]|$)/.test(src.slice(base.length)) });
  for (const overlay of overlays) {
    for (const f of readdirSync(overlay)) if (f !== 'expected.json') cpSync(join(overlay, f), join(dir, f), { recursive: true });
  }
  return dir;
}

/** A throwaway workspace: the journey fixtures' shared one plus `files` (relative path → text). */
export function fixtureWorkspace(files: Record<string, string>): string {
  const dir = workspaceFrom(join(FIXTURES, '_workspace'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Compiles a workspace; fails the test with the diagnostics when it has errors. */
export function compileOrThrow(dir: string): Manifest {
  const result = runPipeline(dir, { emit: true });
  if (!result.emitted)
    throw new Error(
      `workspace ${dir} does not compile:\n${result.diagnostics.map((d) => `${d.file}:${d.range?.start.line}: ${d.code} ${d.message}`).join('\n')}`,
    );
  return result.emitted.manifest;
}

export function describeDiagnostic(d: Diagnostic) {
  const at = d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}` : d.file;
  return { code: d.code, severity: d.severity, message: d.message, at, ...(d.help !== undefined ? { help: d.help } : {}) };
}
