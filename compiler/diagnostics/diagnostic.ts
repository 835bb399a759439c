/**
 * The diagnostic model (its types live in the contract, compiler/contract/diagnostic.ts, shared with
 * the runtime) and what the compiler does with lists of diagnostics.
 */
import type { Diagnostic } from '../contract/diagnostic.ts';

export type { Diagnostic, DiagnosticCode, Position, Range, Severity } from '../contract/diagnostic.ts';

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Deterministic order: file, then position, then code. Output formats and tests rely on it. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.file ?? '';
    const fb = b.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const oa = a.range?.start.offset ?? -1;
    const ob = b.range?.start.offset ?? -1;
    if (oa !== ob) return oa - ob;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
