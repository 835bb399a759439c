import type { Range } from '../diagnostic.ts';

export interface FrameStyle {
  gutter: (s: string) => string;
  marker: (s: string) => string;
}

const PLAIN: FrameStyle = { gutter: (s) => s, marker: (s) => s };
const TAB_WIDTH = 4;
const MAX_LINE = 160;

/**
 * rustc-style code frame: the line(s) of the range with a gutter of line numbers and a `^^^`
 * underline under the range (on the first line of a multi-line range, with `...` to say it goes on).
 * Tabs are expanded so the underline stays aligned.
 */
export function codeFrame(text: string, range: Range, style: FrameStyle = PLAIN): string[] {
  const lines = linesOf(text);
  const lineNo = Math.min(Math.max(range.start.line, 1), lines.length);
  const raw = (lines[lineNo - 1] ?? '').replace(/\r$/, '');
  const startCol = Math.max(1, range.start.column);
  const endCol = range.end.line === range.start.line ? Math.max(range.end.column, startCol + 1) : raw.length + 1;
  const { shown, from, to } = expandAndClip(raw, startCol - 1, Math.max(endCol - 1, startCol));
  const width = String(lineNo).length;
  const pad = ' '.repeat(width);
  const underline = ' '.repeat(from) + '^'.repeat(Math.max(1, to - from)) + (range.end.line > range.start.line ? ' ...' : '');
  return [
    `${style.gutter(`${pad} |`)}`,
    `${style.gutter(`${lineNo} |`)} ${shown}`,
    `${style.gutter(`${pad} |`)} ${style.marker(underline)}`,
  ];
}

/**
 * The lines of the last file framed: diagnostics come grouped by file, and splitting the whole
 * file for each of them made 60,000 diagnostics in one file take minutes.
 */
let lastText: string | undefined;
let lastLines: string[] = [];
function linesOf(text: string): string[] {
  if (text !== lastText) {
    lastText = text;
    lastLines = text.split('\n');
  }
  return lastLines;
}

/** Expands tabs and, for very long lines, keeps a window around the range; returns display columns. */
function expandAndClip(line: string, start: number, end: number): { shown: string; from: number; to: number } {
  let shown = '';
  let from = 0;
  let to = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i === start) from = shown.length;
    if (i === end) to = shown.length;
    if (i === line.length) break;
    const c = line[i]!;
    shown += c === '\t' ? ' '.repeat(TAB_WIDTH - (shown.length % TAB_WIDTH)) : c;
  }
  if (end > line.length) to = shown.length + (end - line.length);
  if (start > line.length) from = shown.length + (start - line.length);
  if (shown.length > MAX_LINE) {
    const left = Math.max(0, Math.min(from - 40, shown.length - MAX_LINE));
    const clipped = shown.slice(left, left + MAX_LINE);
    const prefix = left > 0 ? '...' : '';
    return { shown: prefix + clipped, from: from - left + prefix.length, to: Math.min(to - left, MAX_LINE) + prefix.length };
  }
  return { shown, from, to };
}
