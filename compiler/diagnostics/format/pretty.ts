import type { Diagnostic, Severity } from '../diagnostic.ts';
import { codeFrame } from './code-frame.ts';
import { summaryLine } from './summary.ts';
import { shownPath, type Formatter } from './types.ts';

const ANSI = { red: '31', yellow: '33', blue: '34', cyan: '36', bold: '1' } as const;

function paint(on: boolean, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

function severityColour(severity: Severity): string {
  return severity === 'error' ? ANSI.red : severity === 'warning' ? ANSI.yellow : ANSI.cyan;
}

/**
 * Human output, in the manner of rustc and Elm:
 *
 *     error[HL205]: unknown key "whre" in spec
 *      --> segments/lapsed.yaml:6:3
 *       |
 *     6 |   whre: rfm.monetary >= 4
 *       |   ^^^^
 *       = help: did you mean "where"?
 *
 * then "N errors, M warnings". Colour only when the caller says so (a TTY without NO_COLOR).
 */
export const formatPretty: Formatter = (diagnostics, context) => {
  const colour = context.color === true;
  const blocks = diagnostics.map((d) => block(d, context.sources, (f) => shownPath(f, context), colour));
  const summary = summaryLine(diagnostics);
  return { text: [...blocks, paint(colour, ANSI.bold, summary)].join('\n') + '\n' };
};

function block(
  d: Diagnostic,
  sources: ReadonlyMap<string, string> | undefined,
  show: (f: string | undefined) => string | undefined,
  colour: boolean,
): string {
  const out: string[] = [];
  out.push(
    `${paint(colour, `${ANSI.bold};${severityColour(d.severity)}`, `${d.severity}[${d.code}]`)}${paint(colour, ANSI.bold, `: ${d.message}`)}`,
  );
  const file = show(d.file);
  // Everything under the heading lines up with the code frame's gutter, as rustc does it.
  const pad = ' '.repeat(d.range ? String(d.range.start.line).length : 1);
  if (file !== undefined) {
    const at = d.range ? `:${d.range.start.line}:${d.range.start.column}` : '';
    out.push(`${pad}${paint(colour, ANSI.blue, '-->')} ${file}${at}`);
  }
  const text = d.file !== undefined ? sources?.get(d.file) : undefined;
  if (text !== undefined && d.range) {
    out.push(
      ...codeFrame(text, d.range, {
        gutter: (s) => paint(colour, ANSI.blue, s),
        marker: (s) => paint(colour, `${ANSI.bold};${severityColour(d.severity)}`, s),
      }),
    );
  }
  for (const note of d.notes ?? []) out.push(`${pad} ${paint(colour, ANSI.blue, '=')} note: ${note}`);
  if (d.help) out.push(`${pad} ${paint(colour, ANSI.blue, '=')} ${paint(colour, ANSI.bold, 'help')}: ${d.help}`);
  return out.join('\n') + '\n';
}
