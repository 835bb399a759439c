/**
 * Maps each character of a YAML scalar's value back to where it is written in the file, so an
 * error inside a rule points at the exact line:column even when the rule is quoted (escapes),
 * folded over several lines (plain or quoted), or a block scalar (`|` keeps line breaks, `>` folds
 * them; indentation removed; chomping `-`/`+`).
 *
 * The mapping is rebuilt from the raw source by the YAML rules and then checked against the value
 * the YAML parser produced; if the two ever differ (an exotic construct), every character maps to
 * the start of the scalar instead: positions get coarser, never wrong.
 */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | string;

export interface ScalarOffsets {
  /** File offset where value character i starts; one extra entry for the end of the value. */
  starts: number[];
  /** File offset just after value character i (an escape like `\"` spans two characters). */
  ends: number[];
  /** False when the fallback (everything at the scalar's start) was used. */
  exact: boolean;
}

interface Builder {
  value: string;
  starts: number[];
  ends: number[];
}

function push(b: Builder, text: string, start: number, end: number): void {
  for (let i = 0; i < text.length; i++) {
    b.value += text[i];
    b.starts.push(start);
    b.ends.push(end);
  }
}

/**
 * @param source the file text
 * @param range the scalar node's [start, valueEnd] in the file
 * @param style the node's type as the `yaml` package reports it
 * @param value the scalar's value as parsed
 */
export function scalarOffsets(source: string, range: readonly [number, number], style: ScalarStyle, value: string): ScalarOffsets {
  const [start, end] = range;
  let built: Builder | undefined;
  try {
    switch (style) {
      case 'PLAIN':
        built = flow(source, start, end, 'plain');
        break;
      case 'QUOTE_DOUBLE':
        built = flow(source, start + 1, end - 1, 'double');
        break;
      case 'QUOTE_SINGLE':
        built = flow(source, start + 1, end - 1, 'single');
        break;
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED':
        built = block(source, start, end, style === 'BLOCK_FOLDED');
        break;
    }
  } catch {
    built = undefined;
  }
  if (built && built.value === value) {
    const last = built.ends.length > 0 ? built.ends[built.ends.length - 1]! : start;
    built.starts.push(last);
    built.ends.push(last);
    return { starts: built.starts, ends: built.ends, exact: true };
  }
  const starts = new Array<number>(value.length + 1).fill(start);
  return { starts, ends: starts.map(() => end), exact: false };
}

const DOUBLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Plain and quoted scalars: lines are trimmed and joined by a space, or by "\n" per empty line. */
function flow(source: string, from: number, to: number, kind: 'plain' | 'double' | 'single'): Builder {
  const b: Builder = { value: '', starts: [], ends: [] };
  const lines: Array<[number, number]> = [];
  let lineStart = from;
  for (let i = from; i < to; i++) {
    if (source[i] === '\n') {
      lines.push([lineStart, source[i - 1] === '\r' ? i - 1 : i]);
      lineStart = i + 1;
    }
  }
  lines.push([lineStart, to]);
  let pendingBreak = false;
  let emptyLines = 0;
  let escapedBreak = false;
  lines.forEach(([s, e], index) => {
    const first = index === 0;
    const last = index === lines.length - 1;
    if (!first) while (s < e && (source[s] === ' ' || source[s] === '\t')) s++;
    let trimmedEnd = e;
    if (!last) while (trimmedEnd > s && (source[trimmedEnd - 1] === ' ' || source[trimmedEnd - 1] === '\t')) trimmedEnd--;
    if (!first && !last && s === trimmedEnd) {
      emptyLines++;
      return;
    }
    if (pendingBreak && !escapedBreak) {
      if (emptyLines === 0) push(b, ' ', s - 1, s);
      else for (let k = 0; k < emptyLines; k++) push(b, '\n', s - 1, s);
    }
    emptyLines = 0;
    escapedBreak = false;
    // A trailing backslash in a double-quoted line escapes the break: keep the line's own spaces.
    if (kind === 'double' && !last && endsWithEscape(source, s, e)) {
      trimmedEnd = e - 1;
      escapedBreak = true;
    }
    let i = s;
    while (i < trimmedEnd) {
      const ch = source[i]!;
      if (kind === 'double' && ch === '\\') {
        const next = source[i + 1]!;
        const hexLength = HEX_ESCAPES[next];
        if (hexLength !== undefined) {
          const code = parseInt(source.slice(i + 2, i + 2 + hexLength), 16);
          push(b, String.fromCodePoint(code), i, i + 2 + hexLength);
          i += 2 + hexLength;
        } else {
          const decoded = DOUBLE_ESCAPES[next];
          if (decoded === undefined) throw new Error('unknown escape');
          push(b, decoded, i, i + 2);
          i += 2;
        }
      } else if (kind === 'single' && ch === "'" && source[i + 1] === "'") {
        push(b, "'", i, i + 2);
        i += 2;
      } else {
        push(b, ch, i, i + 1);
        i++;
      }
    }
    pendingBreak = true;
  });
  return b;
}

function endsWithEscape(source: string, s: number, e: number): boolean {
  let backslashes = 0;
  for (let i = e - 1; i >= s && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** `|` and `>` block scalars: header line, then lines at a common indentation. */
function block(source: string, from: number, to: number, folded: boolean): Builder {
  const headerEnd = source.indexOf('\n', from);
  if (headerEnd === -1 || headerEnd >= to) return { value: '', starts: [], ends: [] };
  const header = source
    .slice(from + 1, headerEnd)
    .replace(/\s+#.*$/, '')
    .trim();
  const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
  if (/\d/.test(header)) throw new Error('explicit indentation: use the fallback');
  const lines: Array<[number, number]> = [];
  let lineStart = headerEnd + 1;
  for (let i = lineStart; i < to; i++) {
    if (source[i] === '\n') {
      lines.push([lineStart, source[i - 1] === '\r' ? i - 1 : i]);
      lineStart = i + 1;
    }
  }
  if (lineStart < to) lines.push([lineStart, to]);
  let indent = -1;
  for (const [s, e] of lines) {
    let k = s;
    while (k < e && source[k] === ' ') k++;
    if (k < e) {
      indent = k - s;
      break;
    }
  }
  const b: Builder = { value: '', starts: [], ends: [] };
  if (indent < 0) return b;
  let previous: 'none' | 'normal' | 'more' = 'none';
  let emptyLines = 0;
  let lastBreakAt = from;
  for (const [s, e] of lines) {
    const contentStart = Math.min(s + indent, e);
    const isEmpty = source.slice(s, e).trim() === '' && e - s <= indent;
    if (isEmpty) {
      emptyLines++;
      lastBreakAt = e;
      continue;
    }
    const more = source[contentStart] === ' ' || source[contentStart] === '\t';
    if (previous !== 'none') {
      if (!folded || previous === 'more' || more) push(b, '\n', lastBreakAt, lastBreakAt + 1);
      else if (emptyLines === 0) push(b, ' ', lastBreakAt, lastBreakAt + 1);
    }
    // Empty lines are line breaks in both styles (leading ones included).
    for (let k = 0; k < emptyLines; k++) push(b, '\n', lastBreakAt, lastBreakAt + 1);
    emptyLines = 0;
    for (let i = contentStart; i < e; i++) push(b, source[i]!, i, i + 1);
    previous = more ? 'more' : 'normal';
    lastBreakAt = e;
  }
  if (chomp !== 'strip') {
    push(b, '\n', lastBreakAt, lastBreakAt + 1);
    if (chomp === 'keep') for (let k = 0; k < emptyLines; k++) push(b, '\n', lastBreakAt, lastBreakAt + 1);
  }
  return b;
}
