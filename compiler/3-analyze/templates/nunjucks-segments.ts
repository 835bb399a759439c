/**
 * Finds nunjucks syntax in a text without evaluating it: `{{ output }}`, `{% tag %}` and
 * `{# comment #}`, honouring quoted strings inside a tag (`{{ "}}" }}` is one segment). Used to
 * protect nunjucks from MJML and to place tracked links; the real parse (with nunjucks' own
 * parser) is what reports syntax errors.
 */
export type SegmentKind = 'output' | 'tag' | 'comment';

export interface NunjucksSegment {
  kind: SegmentKind;
  start: number;
  /** Exclusive end; equals the text's length for an unterminated segment. */
  end: number;
  /** The inner text without delimiters and whitespace-control dashes, trimmed. */
  inner: string;
  /** For tags: the tag name (`for`, `endif`…). */
  tagName?: string;
  terminated: boolean;
}

const CLOSERS: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };

export function findNunjucksSegments(text: string): NunjucksSegment[] {
  const found: NunjucksSegment[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open === -1 || open + 1 >= text.length) break;
    const opener = text.slice(open, open + 2);
    const closer = CLOSERS[opener];
    if (!closer) {
      i = open + 1;
      continue;
    }
    const end = opener === '{#' ? commentEnd(text, open + 2) : tagEnd(text, open + 2, closer);
    const terminated = end !== -1;
    const stop = terminated ? end : text.length;
    let inner = text.slice(open + 2, terminated ? stop - 2 : stop);
    inner = inner.replace(/^[-+]/, '').replace(/-$/, '').trim();
    const kind: SegmentKind = opener === '{{' ? 'output' : opener === '{%' ? 'tag' : 'comment';
    const segment: NunjucksSegment = { kind, start: open, end: stop, inner, terminated };
    if (kind === 'tag') segment.tagName = /^[A-Za-z_][A-Za-z0-9_]*/.exec(inner)?.[0] ?? '';
    found.push(segment);
    i = stop;
  }
  return found;
}

function commentEnd(text: string, from: number): number {
  const at = text.indexOf('#}', from);
  return at === -1 ? -1 : at + 2;
}

function tagEnd(text: string, from: number, closer: string): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === closer[0] && text[i + 1] === closer[1]) return i + 2;
  }
  return -1;
}
