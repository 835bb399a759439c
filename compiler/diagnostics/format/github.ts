import type { Diagnostic } from '../diagnostic.ts';
import { summaryLine } from './summary.ts';
import { shownPath, type Formatter } from './types.ts';

/** GitHub shows at most this many annotations of each level per step; the rest go to the job summary. */
export const GITHUB_ANNOTATION_LIMIT = 10;

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Escaping of a workflow command's message (as in @actions/core). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a workflow command's property value: also `:` and `,`, which delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands, one annotation per diagnostic:
 * `::error file=f,line=3,col=5,endLine=3,endColumn=9,title=HL205::unknown key ...`.
 * Past the 10 annotations GitHub displays per level, diagnostics are listed in a markdown table for
 * the job summary instead, so none is silently dropped.
 */
export const formatGithub: Formatter = (diagnostics, context) => {
  const shown = { error: 0, warning: 0, info: 0 };
  const lines: string[] = [];
  const overflow: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (shown[d.severity] >= GITHUB_ANNOTATION_LIMIT) {
      overflow.push(d);
      continue;
    }
    shown[d.severity]++;
    lines.push(annotation(d, shownPath(d.file, context)));
  }
  lines.push(summaryLine(diagnostics));
  const out: { text: string; stepSummary?: string } = { text: `${lines.join('\n')}\n` };
  if (overflow.length > 0) out.stepSummary = overflowMarkdown(overflow, diagnostics.length, (f) => shownPath(f, context));
  return out;
};

function annotation(d: Diagnostic, file: string | undefined): string {
  const props: string[] = [];
  if (file !== undefined) props.push(`file=${escapeProperty(file)}`);
  if (d.range) {
    props.push(
      `line=${d.range.start.line}`,
      `col=${d.range.start.column}`,
      `endLine=${d.range.end.line}`,
      `endColumn=${d.range.end.column}`,
    );
  }
  props.push(`title=${escapeProperty(d.code)}`);
  const body = [d.message, ...(d.notes ?? []).map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join('\n');
  return `::${LEVEL[d.severity]} ${props.join(',')}::${escapeData(body)}`;
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function overflowMarkdown(rest: readonly Diagnostic[], total: number, show: (f: string | undefined) => string | undefined): string {
  const rows = rest.map((d) => {
    const file = show(d.file);
    const where = file === undefined ? '' : d.range ? `${file}:${d.range.start.line}:${d.range.start.column}` : file;
    const message = d.help ? `${d.message} (help: ${d.help})` : d.message;
    return `| ${d.severity} | \`${d.code}\` | ${cell(where)} | ${cell(message)} |`;
  });
  return [
    `### Herald: ${rest.length} of ${total} diagnostics not shown as annotations`,
    '',
    `GitHub shows at most ${GITHUB_ANNOTATION_LIMIT} annotations of each level per step; here are the others.`,
    '',
    '| severity | code | location | message |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
