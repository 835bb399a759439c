/**
 * The one diagnostic model every phase, command and output format shares.
 * Lines and columns are 1-based (as editors and GitHub show them); offsets are 0-based UTF-16
 * indices into the file's text, which is what the `yaml` package reports.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Diagnostic {
  /** Stable, phase-prefixed code from the catalogue (HL1xx load … HL5xx runtime). */
  code: string;
  severity: Severity;
  message: string;
  /** Path relative to the workspace root, with forward slashes. */
  file?: string;
  range?: Range;
  /** Extra context lines ("defined here", "required by"). */
  notes?: string[];
  /** One actionable suggestion, e.g. `did you mean "first_name"?`. */
  help?: string;
}

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
