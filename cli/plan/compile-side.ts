import { runPipeline } from '../../compiler/index.ts';
import type { LoadResult } from '../../compiler/1-load/index.ts';
import { hasErrors, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { SideDiagnostic } from './document.ts';

/** One side of the plan (base or head) compiled: the manifest when it compiles, the diagnostics either way. */
export interface CompiledSide {
  /** The workspace folder on disk (the working tree for the head, a throwaway copy for the base). */
  root: string;
  manifest?: Manifest;
  loaded: LoadResult;
  diagnostics: Diagnostic[];
}

export function compileSide(root: string): CompiledSide {
  const result = runPipeline(root, { emit: true });
  const side: CompiledSide = { root, loaded: result.loaded, diagnostics: result.diagnostics };
  if (!hasErrors(result.diagnostics) && result.emitted) side.manifest = result.emitted.manifest;
  return side;
}

/** The first `limit` errors of a side, for the plan document. */
export function sideErrors(side: CompiledSide, limit = 20): SideDiagnostic[] {
  return side.diagnostics
    .filter((d) => d.severity === 'error')
    .slice(0, limit)
    .map((d) => {
      const out: SideDiagnostic = { code: d.code, severity: d.severity, message: d.message };
      if (d.file) out.where = d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}` : d.file;
      return out;
    });
}
