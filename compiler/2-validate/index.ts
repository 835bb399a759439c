import type { LoadResult } from '../1-load/index.ts';
import type { ValidateResult } from './result.ts';

export type { ValidateResult } from './result.ts';

/** Phase 2 entry: JSON Schema validation of every document. (Skeleton: filled in by the validation work.) */
export function validate(_loaded: LoadResult): ValidateResult {
  return { definitions: [], diagnostics: [] };
}
