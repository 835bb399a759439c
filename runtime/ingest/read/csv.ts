import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { RawRecord } from './record.ts';
import { nameTable } from '../../../compiler/contract/core/own.ts';

export interface CsvOptions {
  delimiter: string;
  encoding: 'utf8' | 'latin1';
  /** When false, `columns` names the fields. */
  header: boolean;
  columns?: string[];
  /** Called with the header's columns before any row; may throw to refuse the file. */
  onHeader?: (columns: string[]) => void;
}

const NL = 10;
const CR = 13;
const QUOTE = 34;
/** Streamed in slices this big: memory stays flat whatever the file size. */
const CHUNK_BYTES = 1 << 20;

/**
 * Streams the records of a CSV file (RFC 4180: quoted fields may hold delimiters, doubled quotes
 * and newlines; CRLF or LF line ends; a UTF-8 byte order mark is dropped). Records are found on
 * bytes, so memory holds one chunk plus the record being read, never the file.
 *
 * Every record comes with its 1-based physical line and its raw text, so a bad row is rejected
 * with where and why instead of stopping the file: a record whose bytes are not valid UTF-8, an
 * unterminated quote at the end of the file, the wrong number of fields.
 */
export async function* readCsv(input: CsvInput, options: CsvOptions): AsyncGenerator<RawRecord> {
  for await (const batch of readCsvBatches(input, options)) yield* batch;
}

/** A file's path (streamed), or its bytes already in memory. */
export type CsvInput = string | Buffer;

/** Records per yielded array: the loader's loop stays synchronous within one. */
const BATCH_RECORDS = 4_000;

/** As readCsv, in arrays of records (at most one chunk's worth each). */
export async function* readCsvBatches(input: CsvInput, options: CsvOptions): AsyncGenerator<RawRecord[]> {
  const delimiter = options.delimiter;
  let columns: string[] | null = options.header ? null : (options.columns ?? null);
  let pending: Buffer = Buffer.alloc(0);
  let line = 1;
  let first = true;

  const chunks: AsyncIterable<Buffer> | Iterable<Buffer> =
    typeof input === 'string' ? (createReadStream(input, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) : [input];
  for await (const chunk of chunks) {
    let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    if (first) {
      if (buf.length < 3 && buf.length > 0 && isBomPrefix(buf)) {
        pending = buf;
        continue;
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      first = false;
    }
    let start = 0;
    let batch: RawRecord[] = [];
    const quotes = new QuoteFinder(buf);
    for (;;) {
      const end = findRecordEnd(buf, start, quotes);
      if (end < 0) break;
      // A record spans several physical lines only when a quoted field holds a newline.
      const lines = quotes.next(start) < end ? countNewlines(buf, start, end) + 1 : 1;
      const record = decodeRecord(buf, start, trimCr(buf, start, end), options.encoding, line);
      line += lines;
      start = end + 1;
      const out = finishRecord(record, delimiter, columns);
      if (out === 'header') {
        columns = headerColumns(record.text!, delimiter);
        options.onHeader?.(columns);
        continue;
      }
      if (out) batch.push(out);
      if (batch.length >= BATCH_RECORDS) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    pending = buf.subarray(start);
    if (pending.length > 0) pending = Buffer.from(pending); // detach from the big chunk so it can be freed
  }
  if (pending.length > 0) {
    // The last record has no newline: normal for a last line, or a record cut short.
    const unterminated = quoteOpenAtEnd(pending, 0, pending.length);
    const record = decodeRecord(pending, 0, trimCr(pending, 0, pending.length), options.encoding, line);
    if (unterminated && record.text !== undefined) {
      yield [
        {
          line,
          raw: record.text,
          fields: null,
          problem: { reason: 'unterminated_quote', detail: 'the file ends inside a quoted field (truncated last line?)' },
        },
      ];
    } else {
      const out = finishRecord(record, delimiter, columns);
      if (out === 'header') {
        columns = headerColumns(record.text!, delimiter);
        options.onHeader?.(columns);
      } else if (out) yield [out];
    }
  }
}

interface Decoded {
  line: number;
  text?: string;
  raw: string;
  problem?: RawRecord['problem'];
}

function finishRecord(record: Decoded, delimiter: string, columns: string[] | null): RawRecord | 'header' | null {
  if (record.problem) return { line: record.line, raw: record.raw, fields: null, problem: record.problem };
  const text = record.text!;
  if (columns === null) return 'header';
  if (text === '') return null; // blank lines carry nothing
  const split = splitFields(text, delimiter);
  if (split.problem) return { line: record.line, raw: text, fields: null, problem: { reason: 'malformed_quotes', detail: split.problem } };
  if (split.fields.length !== columns.length) {
    const detail = `expected ${columns.length} columns (${columns.join(', ')}), found ${split.fields.length}`;
    return { line: record.line, raw: text, fields: null, problem: { reason: 'column_count', detail } };
  }
  // Column names are the file's: `__proto__` or `constructor` are columns like any other.
  const fields = nameTable<string | null>();
  for (let i = 0; i < columns.length; i++) fields[columns[i]!] = cleanValue(split.fields[i]!);
  return { line: record.line, raw: text, fields };
}

function decodeRecord(buf: Buffer, start: number, end: number, encoding: CsvOptions['encoding'], line: number): Decoded {
  if (encoding === 'latin1') return { line, text: buf.toString('latin1', start, end), raw: '' };
  const text = buf.toString('utf8', start, end);
  // toString replaces bad bytes with U+FFFD; only then pay for the exact check.
  if (text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
    const bad = firstBadByte(buf, start, end);
    return {
      line,
      raw: buf.toString('latin1', start, end),
      problem: {
        reason: 'invalid_encoding',
        detail: `byte 0x${buf[bad]!.toString(16)} at column ${bad - start + 1} is not UTF-8 (is the file Latin-1? set csv.encoding: latin1)`,
      },
    };
  }
  return { line, text, raw: text };
}

/**
 * The next quote at or after a position, remembered: most lines have no quote, and searching
 * afresh from every line would scan ahead to the next quoted line each time (quadratic in the
 * distance between quotes).
 */
class QuoteFinder {
  private at = -2;

  constructor(private readonly buf: Buffer) {}

  /** Index of the first quote at or after `from`, or buf.length when there is none. */
  next(from: number): number {
    if (this.at >= from || this.at === this.buf.length) return this.at;
    const q = this.buf.indexOf(QUOTE, from);
    this.at = q < 0 ? this.buf.length : q;
    return this.at;
  }
}

/** Index of the newline that ends the record starting at `start`, or -1 when it is not in `buf` yet. */
function findRecordEnd(buf: Buffer, start: number, quotes: QuoteFinder): number {
  const nl = buf.indexOf(NL, start);
  if (nl < 0) return -1;
  const q = quotes.next(start);
  if (q > nl) return nl; // the common case: no quotes on this line
  let inQuotes = false;
  for (let i = start; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === QUOTE)
      inQuotes = !inQuotes; // a doubled quote toggles twice: no change
    else if (b === NL && !inQuotes) return i;
  }
  return -1;
}

function quoteOpenAtEnd(buf: Buffer, start: number, end: number): boolean {
  let open = false;
  for (let i = start; i < end; i++) if (buf[i] === QUOTE) open = !open;
  return open;
}

function trimCr(buf: Buffer, start: number, end: number): number {
  return end > start && buf[end - 1] === CR ? end - 1 : end;
}

function countNewlines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let i = buf.indexOf(NL, start);
  while (i >= 0 && i < end) {
    n++;
    i = buf.indexOf(NL, i + 1);
  }
  return n;
}

function isBomPrefix(buf: Buffer): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let i = 0; i < buf.length; i++) if (buf[i] !== bom[i]) return false;
  return true;
}

function firstBadByte(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (!isUtf8(buf.subarray(start, i + 1)) && !isUtf8(buf.subarray(start, Math.min(end, i + 4)))) return i;
  }
  return start;
}

/** Values are trimmed; an empty value is missing (null), so `CustomerID is null` means "left empty". */
function cleanValue(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function headerColumns(text: string, delimiter: string): string[] {
  return splitFields(text, delimiter).fields.map((c) => c.trim());
}

/** Splits one record's text into fields; quoted fields lose their quotes and `""` becomes `"`. */
export function splitFields(text: string, delimiter: string): { fields: string[]; problem?: string } {
  if (!text.includes('"')) return { fields: text.split(delimiter) };
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return { fields, problem: `unterminated quoted field starting at column ${i + 1}` };
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      fields.push(value);
      if (j === text.length) return { fields };
      if (!text.startsWith(delimiter, j)) return { fields, problem: `unexpected text after a closing quote at column ${j + 1}` };
      i = j + delimiter.length;
    } else {
      const d = text.indexOf(delimiter, i);
      if (d < 0) {
        fields.push(text.slice(i));
        return { fields };
      }
      fields.push(text.slice(i, d));
      i = d + delimiter.length;
    }
  }
}
