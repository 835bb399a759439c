import { findNunjucksSegments } from './nunjucks-segments.ts';
import { NunjucksSyntaxError, parseNunjucks, type NjNode } from './nunjucks-ast.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/** A nunjucks syntax problem with its 0-based offset and length in the parsed text. */
export interface SyntaxProblem {
  message: string;
  offset: number;
  length: number;
}

const BLOCK_TAGS = new Set(['if', 'for', 'asyncEach', 'asyncAll', 'macro', 'call', 'filter', 'raw', 'verbatim', 'block']);

/**
 * Parses nunjucks source, turning a failure into a message and a position. nunjucks reports an
 * unclosed block at the end of the file, which helps nobody; the opening tag is found instead.
 */
export function parseWithPosition(src: string): { ast?: NjNode; problem?: SyntaxProblem } {
  try {
    return { ast: parseNunjucks(src) };
  } catch (e) {
    if (!(e instanceof NunjucksSyntaxError)) throw e;
    const unclosed = findUnclosed(src);
    if (unclosed) return { problem: unclosed };
    let offset = src.length;
    if (e.line !== undefined) offset = lineColumnOffset(src, e.line, e.column ?? 0);
    return { problem: { message: messageOf('HL353', { form: 'parser', reason: e.message }), offset, length: 1 } };
  }
}

/** The innermost block or delimiter left open, if any. */
export function findUnclosed(src: string): SyntaxProblem | undefined {
  const stack: Array<{ name: string; offset: number; length: number }> = [];
  for (const s of findNunjucksSegments(src)) {
    if (!s.terminated) {
      const closer = s.kind === 'output' ? '}}' : s.kind === 'tag' ? '%}' : '#}';
      return {
        message: messageOf('HL353', { form: 'delimiter-open', opener: src.slice(s.start, s.start + 2), closer }),
        offset: s.start,
        length: 2,
      };
    }
    if (s.kind !== 'tag' || !s.tagName) continue;
    const name = s.tagName;
    if (BLOCK_TAGS.has(name) || (name === 'set' && !/=/.test(s.inner))) {
      stack.push({ name, offset: s.start, length: s.end - s.start });
    } else if (name.startsWith('end')) {
      const opened = name.slice(3);
      const top = stack[stack.length - 1];
      if (!top) return { message: messageOf('HL353', { form: 'closes-nothing', tag: name }), offset: s.start, length: s.end - s.start };
      if (top.name !== opened) {
        return { message: messageOf('HL353', { form: 'wrong-end', tag: top.name, found: name }), offset: top.offset, length: top.length };
      }
      stack.pop();
    }
  }
  const open = stack.pop();
  if (open) return { message: messageOf('HL353', { form: 'block-open', tag: open.name }), offset: open.offset, length: open.length };
  return undefined;
}

function lineColumnOffset(src: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = src.indexOf('\n', offset);
    if (nl === -1) return src.length;
    offset = nl + 1;
  }
  return Math.min(src.length, offset + column);
}
