import type { Diagnostic } from '../diagnostic.ts';
import type { FormatContext, Formatter } from './types.ts';
import { shownPath } from './types.ts';

/**
 * One diagnostic in a few plain lines: `file:line:col: severity[code]: message` (the place as far
 * as it is known: a whole line shows `file:line`, a whole file `file`), the first line of each
 * note, and the help.
 */
export function diagnosticLines(d: Diagnostic, context: FormatContext): string {
  const file = shownPath(d.file, context);
  const place = d.range ? `:${d.range.start.line}${d.range.start.column > 0 ? `:${d.range.start.column}` : ''}` : '';
  let text = `${file !== undefined ? `${file}${place}: ` : ''}${d.severity}[${d.code}]: ${d.message}\n`;
  for (const note of d.notes ?? []) text += `  note: ${note.split('\n')[0]}\n`;
  if (d.help) text += `  help: ${d.help}\n`;
  return text;
}

/**
 * The layout of runtime findings (a model that cannot train, an engagement line that cannot be
 * read, a journey problem): every diagnostic, in plain lines, on the stream beside the command's
 * own output.
 */
export const formatLines: Formatter = (diagnostics, context) => ({ text: diagnostics.map((d) => diagnosticLines(d, context)).join('') });
