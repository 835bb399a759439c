import { ENDING_TAGS, tagEnd } from './protect.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/** A markup tag of MJML source (after nunjucks was swapped for tokens, so no `<` hides in values). */
export interface MarkupTag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  start: number;
  end: number;
  /** The raw source of the tag, `<…>`. */
  source: string;
}

/**
 * Every tag of an MJML text in order, skipping comments, with the content of ending tags
 * (mj-text, mj-button…) reported too, since raw HTML links and images live there.
 */
export function scanTags(text: string): MarkupTag[] {
  const tags: MarkupTag[] = [];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      i = close === -1 ? text.length : close + 3;
      continue;
    }
    const m = /^<(\/?)\s*([A-Za-z][\w:-]*)/.exec(text.slice(lt, lt + 64));
    if (!m) {
      i = lt + 1;
      continue;
    }
    const end = tagEnd(text, lt + 1);
    const source = text.slice(lt, end);
    tags.push({ name: m[2]!.toLowerCase(), closing: m[1] === '/', selfClosing: source.endsWith('/>'), start: lt, end, source });
    i = end;
  }
  return tags;
}

export interface MarkupProblem {
  message: string;
  start: number;
  end: number;
}

/** Unbalanced MJML elements: MJML's own parser silently guesses where they end. */
export function checkBalance(text: string): MarkupProblem[] {
  const stack: MarkupTag[] = [];
  let insideEnding: string | undefined;
  for (const tag of scanTags(text)) {
    const isMjml = tag.name === 'mjml' || tag.name.startsWith('mj-');
    if (!isMjml) continue;
    if (insideEnding && !(tag.closing && tag.name === insideEnding)) continue;
    if (tag.selfClosing) continue;
    if (!tag.closing) {
      stack.push(tag);
      if (ENDING_TAGS.has(tag.name)) insideEnding = tag.name;
      continue;
    }
    insideEnding = undefined;
    const top = stack[stack.length - 1];
    if (!top) return [{ message: messageOf('HL421', { form: 'never-opened', tag: tag.name }), start: tag.start, end: tag.end }];
    if (top.name !== tag.name) {
      return [{ message: messageOf('HL421', { form: 'closed-by-other', tag: top.name, found: tag.name }), start: top.start, end: top.end }];
    }
    stack.pop();
  }
  const open = stack.pop();
  return open ? [{ message: messageOf('HL421', { form: 'never-closed', tag: open.name }), start: open.start, end: open.end }] : [];
}

/** The value of an attribute in a tag's source, or undefined when absent. */
export function attribute(source: string, name: string): string | undefined {
  const re = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');
  const m = re.exec(source);
  if (!m) return undefined;
  return m[2] ?? m[3] ?? m[4] ?? '';
}
