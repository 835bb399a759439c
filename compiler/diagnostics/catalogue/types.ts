import type { Severity } from '../diagnostic.ts';

/** One entry of the code catalogue: the short title and the long explanation `herald explain-code` prints. */
export interface CodeEntry {
  code: string;
  title: string;
  severity: Severity;
  explanation: string;
}

/**
 * A code's message, built from typed parameters: call sites pass the values, the catalogue words
 * the text (`diagnostic('HL110', { file, why })`), so one code reads the same wherever it is raised.
 */
export type MessageTable = Record<string, (params: never) => string>;
