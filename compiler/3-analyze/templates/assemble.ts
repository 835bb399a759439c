import { posix } from 'node:path';
import { isRefused, readWorkspaceText } from '../../files/workspace-files.ts';
import { MappedText } from './source-map.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/**
 * Assembles a template's MJML from its pieces before anything else looks at it: the layout (a full
 * MJML document with `<herald-content />` where the template's body goes) and every
 * `<mj-include path="…" />` partial, recursively. The result keeps, for every character, the file
 * and offset it came from.
 */
export interface AssembleInput {
  /** Absolute path of the workspace root; partials may not reach outside it. */
  root: string;
  /** The template's MJML: inline text mapped into the YAML file, or a file to read. */
  main: MappedText | { file: string };
  /** Where the template names its files (the YAML value), for "does not exist" errors. */
  namedAt: { file: string; offset: number; length: number };
  /** Workspace-relative path of the file `main` counts as, for resolving its includes. */
  mainFile: string;
  /** Workspace-relative path of the layout, when there is one. */
  layout?: string;
}

export interface AssembleProblem {
  code: 'HL351';
  message: string;
  file: string;
  offset: number;
  length: number;
  help?: string;
}

export interface Assembled {
  text: MappedText;
  /** Every file read (workspace-relative), for incremental builds and content hashes. */
  files: string[];
  /** The text of every file read, by workspace-relative path. */
  texts: Map<string, string>;
  problems: AssembleProblem[];
}

const INCLUDE = /<mj-include\s+path\s*=\s*("([^"]*)"|'([^']*)')\s*(\/>|>\s*<\/mj-include>)/g;
const SLOT = /<herald-content\s*\/>|<herald-content\s*>\s*<\/herald-content>/g;
const MAX_DEPTH = 16;

export function assemble(input: AssembleInput): Assembled {
  const state: Assembled = { text: new MappedText(), files: [], texts: new Map(), problems: [] };
  const body = new MappedText();
  let main: MappedText | undefined;
  if (input.main instanceof MappedText) main = input.main;
  else {
    const text = readWorkspaceFile(input.root, input.main.file, state, input.namedAt);
    if (text !== undefined) main = MappedText.ofFile(text, input.main.file);
  }
  if (!main) return state;
  expand(input.root, main, input.mainFile, body, state, [input.mainFile]);
  if (!input.layout) {
    state.text = body;
    return state;
  }
  const layout = readWorkspaceFile(input.root, input.layout, state, input.namedAt);
  if (layout === undefined) {
    state.text = body;
    return state;
  }
  const expanded = new MappedText();
  expand(input.root, MappedText.ofFile(layout, input.layout), input.layout, expanded, state, [input.layout]);
  const text = expanded.text;
  const slots = [...text.matchAll(SLOT)];
  if (slots.length !== 1) {
    const at = slots[1]?.index ?? 0;
    const origin = expanded.locate(at) ?? { file: input.layout, offset: 0 };
    state.problems.push({
      code: 'HL351',
      message: messageOf('HL351', { form: 'layout-slots', layout: input.layout, slots: slots.length }),
      file: origin.file,
      offset: origin.offset,
      length: 0,
      help: 'put <herald-content /> inside <mj-body> where the template body goes',
    });
    state.text = body;
    return state;
  }
  const slot = slots[0]!;
  const out = new MappedText();
  out.appendSlice(expanded, 0, slot.index);
  out.appendSlice(body, 0, body.text.length);
  out.appendSlice(expanded, slot.index + slot[0].length, text.length);
  state.text = out;
  return state;
}

function expand(root: string, src: MappedText, file: string, out: MappedText, state: Assembled, stack: string[]): void {
  const text = src.text;
  let last = 0;
  for (const m of text.matchAll(INCLUDE)) {
    out.appendSlice(src, last, m.index);
    last = m.index + m[0].length;
    const origin = src.locate(m.index) ?? { file, offset: 0 };
    const where = { file: origin.file, offset: origin.offset, length: m[0].length };
    const rel = posix.normalize(posix.join(posix.dirname(file), m[2] ?? m[3] ?? ''));
    if (stack.includes(rel)) {
      state.problems.push({
        ...where,
        code: 'HL351',
        message: messageOf('HL351', { form: 'partial-includes-itself', rel, value: [...stack, rel].join(' -> ') }),
      });
      continue;
    }
    if (stack.length > MAX_DEPTH) {
      state.problems.push({ ...where, code: 'HL351', message: messageOf('HL351', { form: 'partials-nested-more', MAX_DEPTH }) });
      continue;
    }
    const content = readWorkspaceFile(root, rel, state, where);
    if (content === undefined) continue;
    const inner = unwrapFragment(content);
    const partial = new MappedText().copy(inner.text, { file: rel, offset: inner.offset });
    expand(root, partial, rel, out, state, [...stack, rel]);
  }
  out.appendSlice(src, last, text.length);
}

/** MJML partials may be wrapped in `<mjml><mj-body>…</mj-body></mjml>` so editors preview them. */
function unwrapFragment(text: string): { text: string; offset: number } {
  const m = /^\s*<mjml>\s*<mj-body>([\s\S]*)<\/mj-body>\s*<\/mjml>\s*$/.exec(text);
  if (!m) return { text, offset: 0 };
  return { text: m[1]!, offset: text.indexOf(m[1]!) };
}

/** Templates are small; a bigger file is data (or /dev/zero behind a link), not MJML. */
const MAX_TEMPLATE_FILE_BYTES = 5 * 1024 * 1024;

function readWorkspaceFile(
  root: string,
  rel: string,
  state: Assembled,
  where: { file: string; offset: number; length: number },
): string | undefined {
  // Resolves real paths: a link to /etc or /proc/self/environ, a folder, a device or a loop is refused here.
  const read = readWorkspaceText(root, rel, { maxBytes: MAX_TEMPLATE_FILE_BYTES });
  if (isRefused(read)) {
    state.problems.push({ ...where, code: 'HL351', message: messageOf('HL351', { form: 'unreadable', reason: read.message }) });
    return undefined;
  }
  if (!state.files.includes(rel)) state.files.push(rel);
  state.texts.set(rel, read.value);
  return read.value;
}
