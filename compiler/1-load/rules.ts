import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { LoadedDocument } from './parse-file.ts';

/**
 * A rule-DSL string found in a document, parsed. Which fields hold rules is marked in the kind's
 * JSON Schema with the `x-herald-rule` keyword, so the schemas stay the single source.
 * (Filled in by the rule DSL parser.)
 */
export interface RuleSite {
  doc: LoadedDocument;
  /** Path of the string inside the document value, e.g. ['spec', 'where']. */
  path: Array<string | number>;
  text: string;
}

export interface ParsedRules {
  rules: RuleSite[];
  diagnostics: Diagnostic[];
}

export function parseRules(_documents: readonly LoadedDocument[]): ParsedRules {
  return { rules: [], diagnostics: [] };
}
