/**
 * The one diagnostic model every phase, command, output format and runtime finding shares. It is
 * part of the contract so the runtime reports its problems (a model that cannot train, a send that
 * failed) as diagnostics too, printed by the same printer.
 * Lines and columns are 1-based (as editors and GitHub show them); offsets are 0-based UTF-16
 * indices into the file's text, which is what the `yaml` package reports.
 */
import type { DiagnosticCode } from './diagnostic-codes.ts';

export type { DiagnosticCode } from './diagnostic-codes.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number;
  /** 1-based; 0 when only the line is known (a line of an imported file), and then not shown. */
  column: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Diagnostic {
  /** Stable, phase-prefixed code from the catalogue (HL1xx load … HL5xx runtime). */
  code: DiagnosticCode;
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

/** The range of a whole line, when nothing finer is known. */
export function lineRange(line: number): Range {
  return { start: { line, column: 0, offset: 0 }, end: { line, column: 0, offset: 0 } };
}
