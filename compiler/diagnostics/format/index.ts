import type { Diagnostic } from '../diagnostic.ts';
import { formatGithub } from './github.ts';
import { formatJson } from './json.ts';
import { formatPretty } from './pretty.ts';
import { formatSarif } from './sarif.ts';
import { formatBrief } from './brief.ts';
import { formatLines } from './lines.ts';
import type { FormatContext, FormatOutput, Formatter } from './types.ts';

export type { FormatContext, FormatOutput, Formatter } from './types.ts';
export { summaryLine, countDiagnostics } from './summary.ts';
export { diagnosticLines } from './lines.ts';

export const FORMATS = ['pretty', 'json', 'github', 'sarif'] as const;
export type FormatName = (typeof FORMATS)[number];
/**
 * The user-facing formats; `brief`, the layout runtime commands report a workspace's errors in;
 * and `lines`, the layout of runtime findings (every one, in plain lines).
 */
export type LayoutName = FormatName | 'brief' | 'lines';

const formatters: Record<LayoutName, Formatter> = {
  brief: formatBrief,
  lines: formatLines,
  pretty: formatPretty,
  json: formatJson,
  github: formatGithub,
  sarif: formatSarif,
};

/** Renders diagnostics in one of the output formats (pure: the caller writes the text where it belongs). */
export function formatDiagnostics(format: LayoutName, diagnostics: readonly Diagnostic[], context: FormatContext = {}): FormatOutput {
  return formatters[format](diagnostics, context);
}

/** Colour for a stream: only a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
