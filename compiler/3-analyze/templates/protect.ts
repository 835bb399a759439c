import { MappedText } from './source-map.ts';
import { findNunjucksSegments, type NunjucksSegment } from './nunjucks-segments.ts';

/**
 * Nunjucks inside MJML must come out of MJML exactly as it went in. MJML parses its input as XML,
 * validates attribute values and drops stray text between components, so every nunjucks segment
 * is swapped for an inert token (letters and digits only, which no MJML step rewrites) before MJML
 * runs, and swapped back in the HTML afterwards.
 *
 * A segment that stands between components (a `{% for %}` around sections, say) would be dropped
 * by MJML as stray text, so its token is wrapped in `<mj-raw>`, which MJML copies to the output
 * in place. Inside ending tags (mj-text, mj-button…) and attribute values the bare token is enough.
 */
export interface Protected {
  text: MappedText;
  /** Original segment text by token index. */
  originals: string[];
  segments: NunjucksSegment[];
  prefix: string;
  /** Tokens a later step swapped for new ones (e.g. tracked links); not reported as lost. */
  replacedTokens?: Set<number>;
}

/** MJML components whose content is copied verbatim (the validator calls them ending tags). */
export const ENDING_TAGS = new Set([
  'mj-text',
  'mj-button',
  'mj-table',
  'mj-raw',
  'mj-navbar-link',
  'mj-accordion-title',
  'mj-accordion-text',
  'mj-social-element',
  'mj-style',
  'mj-title',
  'mj-preview',
  'mj-carousel-image',
  'mj-breakpoint',
]);

type Context = 'structure' | 'attribute' | 'content';

export function protect(src: MappedText): Protected {
  const text = src.text;
  let prefix = 'HLNJK';
  while (text.includes(prefix)) prefix += 'Q';
  const segments = findNunjucksSegments(text);
  const token = (i: number) => `${prefix}${i}X`;

  // Pass 1: a tokenized copy (no nunjucks left), so markup can be scanned without being fooled by
  // `<` or quotes inside nunjucks expressions.
  let flat = '';
  const tokenAt: number[] = [];
  let last = 0;
  segments.forEach((s, i) => {
    flat += text.slice(last, s.start);
    tokenAt.push(flat.length);
    flat += token(i);
    last = s.end;
  });
  flat += text.slice(last);
  const contexts = classify(flat, tokenAt);

  // Pass 2: the mapped output, each token mapped to its segment's origin.
  const out = new MappedText();
  last = 0;
  segments.forEach((s, i) => {
    out.appendSlice(src, last, s.start);
    const origin = src.locate(s.start) ?? { file: '', offset: 0 };
    const wrap = contexts[i] === 'structure';
    out.insert(wrap ? `<mj-raw>${token(i)}</mj-raw>` : token(i), origin);
    last = s.end;
  });
  out.appendSlice(src, last, text.length);
  return { text: out, originals: segments.map((s) => text.slice(s.start, s.end)), segments, prefix };
}

/** Puts the nunjucks back into MJML's HTML. Reports tokens MJML dropped or copied more than once. */
export function restore(html: string, p: Protected): { html: string; lost: number[]; duplicated: number[] } {
  const seen = new Array<number>(p.originals.length).fill(0);
  const re = new RegExp(`${p.prefix}(\\d+)X`, 'g');
  const restored = html.replace(re, (m, n: string) => {
    const i = Number(n);
    if (i >= p.originals.length) return m;
    seen[i]!++;
    return p.originals[i]!;
  });
  const lost: number[] = [];
  const duplicated: number[] = [];
  seen.forEach((count, i) => {
    const segment = p.segments[i];
    // Link rewrites replace a token with a new one; a comment renders nothing either way.
    if (!segment || segment.kind === 'comment' || replaced(p, i)) return;
    if (count === 0) lost.push(i);
    // An output twice (a title MJML also uses as a label) is harmless; a block tag twice is not.
    else if (count > 1 && segment.kind === 'tag') duplicated.push(i);
  });
  return { html: restored, lost, duplicated };
}

function replaced(p: Protected, i: number): boolean {
  return p.replacedTokens?.has(i) ?? false;
}

/** Which markup context each token offset sits in. */
function classify(flat: string, tokenAt: number[]): Context[] {
  const result: Context[] = [];
  let t = 0;
  let ending: string | undefined;
  let i = 0;
  const record = (upTo: number, ctx: Context) => {
    while (t < tokenAt.length && tokenAt[t]! < upTo) {
      result.push(ctx);
      t++;
    }
  };
  while (i < flat.length && t < tokenAt.length) {
    const lt = flat.indexOf('<', i);
    if (lt === -1) break;
    record(lt, ending ? 'content' : 'structure');
    if (flat.startsWith('<!--', lt)) {
      const close = flat.indexOf('-->', lt + 4);
      const end = close === -1 ? flat.length : close + 3;
      record(end, ending ? 'content' : 'attribute');
      i = end;
      continue;
    }
    const gt = tagEnd(flat, lt + 1);
    const tag = flat.slice(lt, gt);
    const name = /^<\/?\s*([A-Za-z][\w-]*)/.exec(tag)?.[1]?.toLowerCase();
    if (ending) {
      // Inside an ending tag everything up to its own closing tag is content.
      record(gt, 'content');
      if (tag.startsWith('</') && name === ending) ending = undefined;
    } else {
      record(gt, 'attribute');
      if (name && ENDING_TAGS.has(name) && !tag.startsWith('</') && !tag.endsWith('/>')) ending = name;
    }
    i = gt;
  }
  record(Infinity, ending ? 'content' : 'structure');
  return result;
}

/** End (exclusive) of a markup tag starting after `<`, skipping quoted attribute values. */
export function tagEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return text.length;
}
