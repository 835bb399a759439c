import type { Diagnostic, DiagnosticCode, Range } from './diagnostic.ts';
import { lookupCode, messageOf, type CodeWithMessage, type MessageParams } from './catalogue/index.ts';

export interface DiagnosticDetails {
  file?: string;
  range?: Range;
  notes?: string[];
  help?: string;
  /** Overrides the catalogue's default severity (e.g. a warning promoted by configuration). */
  severity?: Diagnostic['severity'];
}

/** Builds a diagnostic whose severity comes from the catalogue; an unknown code is a bug, so it throws. */
export function diag(code: DiagnosticCode, message: string, details: DiagnosticDetails = {}): Diagnostic {
  const entry = lookupCode(code);
  if (!entry) throw new Error(`internal: diagnostic code ${code} is not in the catalogue`);
  const d: Diagnostic = { code, severity: details.severity ?? entry.severity, message };
  if (details.file !== undefined) d.file = details.file;
  if (details.range !== undefined) d.range = details.range;
  if (details.notes !== undefined && details.notes.length > 0) d.notes = details.notes;
  if (details.help !== undefined) d.help = details.help;
  return d;
}

/** Builds a diagnostic whose message the catalogue words from typed parameters. */
export function diagnostic<C extends CodeWithMessage>(code: C, params: MessageParams<C>, details: DiagnosticDetails = {}): Diagnostic {
  return diag(code, messageOf(code, params), details);
}
