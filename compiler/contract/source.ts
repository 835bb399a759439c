import type { Expr } from './core/ast.ts';

/**
 * Standardizers a Source may apply to a mapped value (`standardize: { country: country }`), after
 * type coercion. Strings are always trimmed and emails always lower-cased; these are the extras.
 */
export const STANDARDIZERS = ['country', 'lower', 'upper', 'title'] as const;
export type Standardizer = (typeof STANDARDIZERS)[number];

/**
 * A Source as the runtime executes it: the `compiled` block the compiler writes for a Source
 * definition into the manifest (compiler/4-emit/kinds/source.ts builds it). Defaults are already
 * applied, so the runtime never guesses.
 */
export interface SourceBlock {
  name: string;
  format: 'csv' | 'jsonl';
  /** Globs relative to the workspace root (forward slashes). */
  files: string[];
  csv: { delimiter: string; encoding: 'utf8' | 'latin1'; header: boolean; columns?: string[] };
  /** IANA zone for timestamps written without an offset (the source's, else the workspace's). */
  timezone: string;
  timestampFormat?: string;
  /** Checked in order; the first that holds rejects the row with its reason. */
  rejectWhen: Array<{ reason: string; rule: RuleBlock }>;
  /** Customer field → expression over the row; `id` is required when present. */
  customers?: Record<string, RuleBlock>;
  events?: EventsBlock;
  /** Item field → expression; `id` required; a row whose item id is null adds no item. */
  items?: Record<string, RuleBlock>;
  /** De-duplication key; default: a hash of the source name and the mapped event. */
  eventId?: RuleBlock;
  /** `customers.country` → how to standardize that target after coercion. */
  standardize: Record<string, Standardizer>;
  /** Source columns that feed personal-data fields: masked in the rejects table. */
  piiColumns: string[];
  monitor: MonitorSettings;
}

export interface EventsBlock {
  type: RuleBlock;
  customer_id: RuleBlock;
  at: RuleBlock;
  properties: Record<string, RuleBlock>;
}

/** A rule-DSL expression: its text, and its parsed AST when the compiler provides one. */
export interface RuleBlock {
  text: string;
  ast?: Expr;
}

export interface MonitorSettings {
  /** How many previous loads of the source make the norm. */
  window: number;
  /** Robust z-score (|x - median| / (1.4826 MAD)) above which a load is flagged. */
  threshold: number;
  /** Loads needed before anything is flagged. */
  minHistory: number;
}

export const DEFAULT_MONITOR: MonitorSettings = { window: 28, threshold: 3.5, minHistory: 7 };
