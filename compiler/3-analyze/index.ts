import type { LoadResult } from '../1-load/index.ts';
import type { ValidateResult } from '../2-validate/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey } from '../types/definition.ts';

export interface AnalyzeResult {
  /** Dependency edges: definition → the definitions it uses. */
  dependencies: ReadonlyMap<DefinitionKey, readonly DefinitionKey[]>;
  /** Definitions in dependency order (what a definition uses comes first). */
  order: DefinitionKey[];
  /** Per-definition facts from the kind analyzers, for the emit phase. */
  facts: ReadonlyMap<DefinitionKey, unknown>;
  diagnostics: Diagnostic[];
}

/** Phase 3 entry. (Skeleton: filled in by the analysis work.) */
export function analyze(_loaded: LoadResult, _validated: ValidateResult): AnalyzeResult {
  return { dependencies: new Map(), order: [], facts: new Map(), diagnostics: [] };
}
