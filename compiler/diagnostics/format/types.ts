import type { Diagnostic } from '../diagnostic.ts';

/** What every output format needs besides the diagnostics themselves. */
export interface FormatContext {
  /** File text by the diagnostic's `file` (workspace-relative path), for code frames. */
  sources?: ReadonlyMap<string, string>;
  /** How a file is named in the output (e.g. relative to the current directory or the repository root). */
  displayPath?: (file: string) => string;
  /** ANSI colours (pretty only): callers pass true only for a TTY without NO_COLOR. */
  color?: boolean;
}

export interface FormatOutput {
  /** What goes to standard output. */
  text: string;
  /**
   * Markdown for the CI job summary (github format: the annotations GitHub would not show).
   * The caller appends it to $GITHUB_STEP_SUMMARY, or prints it when that is not set.
   */
  stepSummary?: string;
}

export type Formatter = (diagnostics: readonly Diagnostic[], context: FormatContext) => FormatOutput;

export function shownPath(file: string | undefined, context: FormatContext): string | undefined {
  if (file === undefined) return undefined;
  return context.displayPath ? context.displayPath(file) : file;
}
