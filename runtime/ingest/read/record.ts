/** A raw source row: column name → value (trimmed; an empty value is null). */
export type SourceRow = Record<string, unknown>;

/** Why a row could not even be read as a row (its fields are then unknown). */
export interface ReadProblem {
  reason: 'invalid_encoding' | 'unterminated_quote' | 'malformed_quotes' | 'column_count' | 'invalid_json';
  detail: string;
}

/** One record of a source file, as the readers yield it. */
export interface RawRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  /** The record's text as in the file (for the rejects table; masked there when it holds pii). */
  raw: string;
  /** The parsed row, or null when `problem` says why it could not be read. */
  fields: SourceRow | null;
  problem?: ReadProblem;
}
