import type { LoadResult } from '../1-load/index.ts';
import type { ValidateResult } from '../2-validate/index.ts';
import type { AnalyzeResult } from '../3-analyze/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

export interface EmitResult {
  /** The manifest object (written as build/manifest.json). */
  manifest: unknown;
  /** Every file of build/, by relative path (manifest.json included). */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

/** Phase 4 entry. (Skeleton: filled in by the emit work.) */
export function emit(_loaded: LoadResult, _validated: ValidateResult, _analyzed: AnalyzeResult): EmitResult {
  return { manifest: {}, files: new Map(), diagnostics: [] };
}
