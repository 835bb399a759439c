import type { FormatOutput, Formatter } from './types.ts';
import { diagnosticLines } from './lines.ts';

/**
 * The layout runtime commands print a workspace's problems in: errors in full (`file:line:col
 * severity[code]: message`, the first line of each note, help), warnings only counted, since a
 * runtime command is not where definitions are reviewed (`herald validate` shows them).
 */
export const formatBrief: Formatter = (diagnostics, context): FormatOutput => {
  let text = '';
  for (const d of diagnostics) if (d.severity === 'error') text += diagnosticLines(d, context);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (warnings > 0) text += `${warnings} warning${warnings === 1 ? '' : 's'} in the workspace (\`herald validate\` shows them)\n`;
  return { text };
};
