import type { FormatOutput, Formatter } from './types.ts';

/**
 * The layout runtime commands print a workspace's problems in: errors in full (`file:line:col
 * severity[code]: message`, the first line of each note, help), warnings only counted, since a
 * runtime command is not where definitions are reviewed (`herald validate` shows them).
 */
export const formatBrief: Formatter = (diagnostics, context): FormatOutput => {
  const path = context.displayPath ?? ((file: string) => file);
  let text = '';
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const where = d.file ? `${path(d.file)}${d.range ? `:${d.range.start.line}:${d.range.start.column}` : ''}: ` : '';
    text += `${where}${d.severity}[${d.code}]: ${d.message}\n`;
    for (const note of d.notes ?? []) text += `  note: ${note.split('\n')[0]}\n`;
    if (d.help) text += `  help: ${d.help}\n`;
  }
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (warnings > 0) text += `${warnings} warning${warnings === 1 ? '' : 's'} in the workspace (\`herald validate\` shows them)\n`;
  return { text };
};
