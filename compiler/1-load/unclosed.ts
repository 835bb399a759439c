/**
 * Where an unclosed `[`, `{` or quote was opened. The YAML parser notices a missing `]` or closing
 * quote only where it gives up, often at the end of the file; the useful place to point at is the
 * opener (as rustc does for an unclosed delimiter). Found by a scan that knows enough YAML to skip
 * comments and quoted text; when the scan cannot tell, the parser's own position is kept.
 */

export interface Opener {
  char: '[' | '{' | '"' | "'";
  offset: number;
}

/** The closer the parser reported missing, from its error code and message. */
export function missingCloser(code: string, message: string): ']' | '}' | '"' | "'" | undefined {
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR' || code === 'UNEXPECTED_TOKEN') {
    if (/^Flow sequence\b.*\]$/.test(message)) return ']';
    if (/^Flow map\b.*\}$/.test(message)) return '}';
    if (/^Missing closing "quote/.test(message)) return '"';
    if (/^Missing closing 'quote/.test(message)) return "'";
  }
  return undefined;
}

/** The innermost opener still open at `until` that `closer` would close, if the scan finds one. */
export function unclosedOpener(text: string, until: number, closer: ']' | '}' | '"' | "'"): Opener | undefined {
  const open: Opener[] = [];
  let quote: Opener | undefined;
  for (let i = 0; i < Math.min(until, text.length); i++) {
    const c = text[i]!;
    if (quote) {
      if (quote.char === '"' && c === '\\') i++;
      else if (c === quote.char) {
        // '' inside a single-quoted scalar is an escaped quote, not the end.
        if (c === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end;
      continue;
    }
    if ((c === '"' || c === "'") && startsScalar(text, i)) quote = { char: c, offset: i };
    else if (c === '[' || c === '{') open.push({ char: c, offset: i });
    else if ((c === ']' || c === '}') && open.length > 0) open.pop();
  }
  if (closer === '"' || closer === "'") return quote?.char === closer ? quote : undefined;
  const last = quote ? undefined : open[open.length - 1];
  return last && last.char === (closer === ']' ? '[' : '{') ? last : undefined;
}

/** A quote opens a quoted scalar only where a value starts (not inside a plain word: `it's`). */
function startsScalar(text: string, at: number): boolean {
  for (let j = at - 1; j >= 0; j--) {
    const p = text[j]!;
    if (p === ' ' || p === '\t') continue;
    return p === '\n' || p === ':' || p === '-' || p === '[' || p === '{' || p === ',' || p === '?';
  }
  return true;
}
