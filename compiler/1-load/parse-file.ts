import { parseAllDocuments, isDocument, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diag } from '../diagnostics/make.ts';
import { makeSourceFile, rangeAt, type SourceFile } from './source-file.ts';

/** Definition files are small; anything bigger is data in the wrong place (and would stall the parser). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

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
  if (bytes.byteLength > MAX_FILE_BYTES) {
    const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
    return { documents: [], diagnostics: [diag('HL108', `${path} is ${mb} MB; definition files are limited to 10 MB`, { file: path })] };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return { documents: [], diagnostics: [diag('HL107', `${path} looks binary (NUL byte at byte ${nul})`, { file: path })] };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const file = makeSourceFile(path, absPath, prefix);
    return {
      documents: [],
      diagnostics: [
        diag('HL107', `invalid UTF-8 byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte ${bad}`, {
          file: path,
          range: rangeAt(file, prefix.length, prefix.length),
          help: 're-save the file as UTF-8',
        }),
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
  const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  const docs = Array.isArray(parsed) ? parsed : isDocument(parsed) ? [parsed] : [];

  if (docs.length === 0 || text.trim() === '' || docs.every((d) => d.contents === null && d.errors.length === 0)) {
    if (docs.length <= 1) {
      diagnostics.push(diag('HL106', `${path} holds no YAML document`, { file: path, range: rangeAt(file, 0, 0) }));
      return { file, documents, diagnostics };
    }
  }

  docs.forEach((doc, index) => {
    for (const error of doc.errors) {
      const [start, end] = error.pos;
      const code = error.code === 'TAB_AS_INDENT' ? 'HL104' : error.code === 'DUPLICATE_KEY' ? 'HL105' : 'HL103';
      diagnostics.push(diag(code, cleanYamlMessage(error.message), { file: path, range: rangeAt(file, start, end) }));
    }
    for (const warning of doc.warnings) {
      const [start, end] = warning.pos;
      diagnostics.push(diag('HL111', cleanYamlMessage(warning.message), { file: path, range: rangeAt(file, start, end) }));
    }
    if (doc.errors.length > 0) return;
    if (doc.contents === null) {
      if (docs.length > 1) {
        const at = doc.range[0];
        diagnostics.push(diag('HL109', `document ${index + 1} of ${path} is empty`, { file: path, range: rangeAt(file, at, at) }));
      }
      return;
    }
    let value: unknown;
    try {
      // A bounded alias count defuses "billion laughs" documents.
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      const [start, end] = doc.contents.range;
      diagnostics.push(diag('HL103', (e as Error).message, { file: path, range: rangeAt(file, start, end) }));
      return;
    }
    documents.push({ file, index, yaml: doc, value });
  });
  return { file, documents, diagnostics };
}

/** The yaml package appends a code frame and position to messages; ours are printed separately. */
function cleanYamlMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return bytes.length;
}
