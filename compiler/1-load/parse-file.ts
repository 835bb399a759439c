import { parseAllDocuments, isDocument, isScalar, visit, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { makeSourceFile, positionAt, rangeAt, type SourceFile } from './source-file.ts';
import { missingCloser, unclosedOpener } from './unclosed.ts';

/** Definition files are small; anything bigger is data in the wrong place (and would stall the parser). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** HL108, for the loader (which checks the size before reading) and for bytes handed over directly. */
export function fileTooLarge(path: string, size: number): Diagnostic {
  const mb = (size / 1024 / 1024).toFixed(1);
  return diagnostic(
    'HL108',
    { file: path, mb, limitMb: MAX_FILE_BYTES / 1024 / 1024 },
    {
      file: path,
      help: 'move data into a file a Source loads, or add this file to .heraldignore',
    },
  );
}

/** One YAML document of a file, parsed with node positions and converted to plain JS. */
export interface LoadedDocument {
  file: SourceFile;
  /** 0-based index of the document within its file. */
  index: number;
  yaml: Document.Parsed;
  /** The document as plain JSON-like data; what schemas validate. */
  value: unknown;
}

export interface ParsedFile {
  file?: SourceFile;
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and parses one file. Never throws: every problem becomes a diagnostic with a location. */
export function parseFileBytes(path: string, absPath: string, bytes: Uint8Array): ParsedFile {
  if (bytes.byteLength > MAX_FILE_BYTES) return { documents: [], diagnostics: [fileTooLarge(path, bytes.byteLength)] };
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    // Located at the NUL byte, like a bad UTF-8 byte: a text file with one stray NUL is a common slip.
    const at = new TextDecoder('utf-8').decode(bytes.subarray(0, nul)).length;
    const file = makeSourceFile(path, absPath, new TextDecoder('utf-8').decode(bytes).replace(/\0/g, '\ufffd'));
    return {
      file,
      documents: [],
      diagnostics: [diagnostic('HL107', { file: path, nulAt: nul }, { file: path, range: rangeAt(file, at, at + 1) })],
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const bad = Math.min(firstInvalidUtf8(bytes), bytes.length - 1);
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    // The file is kept with U+FFFD in place of bad bytes, so the code frame can show the spot.
    const file = makeSourceFile(path, absPath, new TextDecoder('utf-8').decode(bytes));
    return {
      file,
      documents: [],
      diagnostics: [
        diagnostic(
          'HL107',
          { badByte: bytes[bad]!, at: bad },
          {
            file: path,
            range: rangeAt(file, prefix.length, prefix.length + 1),
            help: 're-save the file as UTF-8',
          },
        ),
      ],
    };
  }
  // A UTF-8 byte order mark is legal but invisible; drop it so columns match what editors show.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseText(path, absPath, text);
}

export function parseText(path: string, absPath: string, text: string): ParsedFile {
  const file = makeSourceFile(path, absPath, text);
  const diagnostics: Diagnostic[] = [];
  const documents: LoadedDocument[] = [];
  const tooDeep = excessiveNesting(text);
  if (tooDeep !== undefined) {
    // The YAML parser's memory grows with nesting; refuse before parsing rather than after running out.
    diagnostics.push(diagnostic('HL103', { nestedDeeperThan: MAX_NESTING }, { file: path, range: rangeAt(file, tooDeep, tooDeep + 1) }));
    return { file, documents, diagnostics };
  }
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: true });
    docs = Array.isArray(parsed) ? parsed : isDocument(parsed) ? [parsed] : [];
  } catch (e) {
    diagnostics.push(diagnostic('HL103', { parserGaveUp: (e as Error).message }, { file: path, range: rangeAt(file, 0, 0) }));
    return { file, documents, diagnostics };
  }

  if (docs.every((d) => isEmptyDocument(d) && d.errors.length === 0)) {
    diagnostics.push(diagnostic('HL106', { file: path }, { file: path, range: rangeAt(file, 0, 0) }));
    return { file, documents, diagnostics };
  }

  docs.forEach((doc, index) => {
    for (const error of doc.errors) {
      const [start, end] = error.pos;
      const code = error.code === 'TAB_AS_INDENT' ? 'HL104' : error.code === 'DUPLICATE_KEY' ? 'HL105' : 'HL103';
      const help = code === 'HL104' ? 'indent with spaces' : code === 'HL105' ? 'remove or rename one of the two keys' : undefined;
      const message = cleanYamlMessage(error.message);
      const unclosed = code === 'HL103' ? unclosedAt(text, file, error.code, message, start) : undefined;
      if (unclosed) {
        diagnostics.push(
          diagnostic(
            'HL103',
            { yaml: unclosed.message },
            { file: path, range: unclosed.range, notes: unclosed.notes, help: unclosed.help },
          ),
        );
        continue;
      }
      if (code === 'HL105') {
        // Name the key and underline all of it (the parser marks only its first character).
        const key = /^(?:"[^"\n]*"|'[^'\n]*'|[^:,{}[\]\n]*?)(?=\s*:)/.exec(text.slice(start, start + 200))?.[0];
        if (key) {
          diagnostics.push(diagnostic('HL105', { key }, { file: path, range: rangeAt(file, start, start + key.length), help: help! }));
          continue;
        }
      }
      diagnostics.push(diagnostic(code, { yaml: message }, { file: path, range: rangeAt(file, start, end), ...(help ? { help } : {}) }));
    }
    for (const warning of doc.warnings) {
      const [start, end] = warning.pos;
      diagnostics.push(diagnostic('HL111', { yaml: cleanYamlMessage(warning.message) }, { file: path, range: rangeAt(file, start, end) }));
    }
    if (doc.errors.length > 0) return;
    if (isEmptyDocument(doc)) {
      const at = doc.range[0];
      diagnostics.push(diagnostic('HL109', { document: index + 1, file: path }, { file: path, range: rangeAt(file, at, at) }));
      return;
    }
    let value: unknown;
    try {
      // A bounded alias count defuses "billion laughs" documents.
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      const message = cleanYamlMessage((e as Error).message);
      const [start, end] = aliasRange(doc, message) ?? doc.contents?.range ?? [doc.range[0], doc.range[0]];
      diagnostics.push(diagnostic('HL103', { yaml: message }, { file: path, range: rangeAt(file, start, end) }));
      return;
    }
    documents.push({ file, index, yaml: doc, value });
  });
  return { file, documents, diagnostics };
}

/** An unclosed `[`, `{` or quote, reported at its opener (the parser only notices it later). */
function unclosedAt(text: string, file: SourceFile, code: string, message: string, at: number) {
  const closer = missingCloser(code, message);
  const opener = closer ? unclosedOpener(text, at, closer) : undefined;
  if (!closer || !opener) return undefined;
  const where = positionAt(file, at);
  const what = opener.char === '[' ? 'flow sequence' : opener.char === '{' ? 'flow mapping' : 'quoted string';
  return {
    message: `this \`${opener.char}\` is never closed: the ${what} must end with \`${closer}\``,
    range: rangeAt(file, opener.offset, opener.offset + 1),
    notes: [`the YAML parser gave up at ${where.line}:${where.column}: ${message}`],
    help: `add the missing \`${closer}\``,
  };
}

/** A document with nothing in it: only comments, or an extra `---`. (An explicit `~` or `null` is not empty.) */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  if (c === null) return true;
  return isScalar(c) && c.value === null && c.range !== undefined && c.range !== null && c.range[0] === c.range[1];
}

/** For "Unresolved alias ...: name", the place of the `*name` that failed. */
function aliasRange(doc: Document.Parsed, message: string): [number, number] | undefined {
  const name = /alias.*: (\S+)$/i.exec(message)?.[1];
  if (!name) return undefined;
  let found: [number, number] | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.source === name && node.range) {
        found = [node.range[0], node.range[1]];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

export const MAX_NESTING = 1000;

/** The offset of the first `[`/`{` nested deeper than MAX_NESTING, if any (a cheap count; quotes are not special). */
function excessiveNesting(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      depth++;
      if (depth > MAX_NESTING) return i;
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** The yaml package appends a code frame and position to messages; ours are printed separately. */
function cleanYamlMessage(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode table 3-7). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    }
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c === undefined || c < min || c > max) return i;
    }
    i += len;
  }
  return bytes.length;
}
