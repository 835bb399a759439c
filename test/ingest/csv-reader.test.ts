import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../runtime/ingest/read/csv.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir();
let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, options: Partial<Parameters<typeof readCsv>[1]> = {}) {
  const out = [];
  for await (const r of readCsv(path, { delimiter: ',', encoding: 'utf8', header: true, ...options })) out.push(r);
  return out;
}

/** RFC 4180 writer: quotes a field when it holds the delimiter, a quote, CR or LF. */
function quote(field: string, delimiter: string): string {
  return field.includes(delimiter) || /["\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

describe('CSV reader', () => {
  it('reads back any table written as RFC 4180, with the line each record starts on', async () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r\n', 'é', '£', '😀', 'x'), maxLength: 12 }),
      fc.constantFrom('17850.0', '', 'C536379'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(',', ';', '\t', '|'),
        fc.integer({ min: 1, max: 5 }).chain((cols) => fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 30 })),
        fc.boolean(),
        async (delimiter, rows, crlf) => {
          const cols = rows[0]?.length ?? 2;
          const header = Array.from({ length: cols }, (_, i) => `c${i}`);
          const eol = crlf ? '\r\n' : '\n';
          const text = [header, ...rows].map((r) => r.map((f) => quote(f, delimiter)).join(delimiter)).join(eol) + eol;
          const records = await read(file(text), { delimiter });
          // A record of one empty field is a blank line: skipped by design.
          const expected = rows.filter((r) => !(r.length === 1 && r[0] === ''));
          expect(records.map((r) => r.problem)).toEqual(expected.map(() => undefined));
          expect(records.map((r) => header.map((h) => r.fields![h]))).toEqual(
            expected.map((r) => r.map((f) => (f.trim() === '' ? null : f.trim()))),
          );
          // Lines: each record starts after the newlines of those before it.
          let line = 2;
          const lines: number[] = [];
          for (const r of rows) {
            if (!(r.length === 1 && r[0] === '')) lines.push(line);
            line +=
              1 +
              r
                .map((f) => quote(f, delimiter))
                .join(delimiter)
                .split('\n').length -
              1;
          }
          expect(records.map((r) => r.line)).toEqual(lines);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds records across 1 MiB chunk boundaries, quoted newlines included', async () => {
    const row = (i: number) => `${i},"multi\nline, with ""quotes""",${'x'.repeat(i % 97)}`;
    const rows = Array.from({ length: 30_000 }, (_, i) => row(i));
    const records = await read(file(`id,text,pad\n${rows.join('\n')}\n`));
    expect(records).toHaveLength(30_000);
    expect(
      records.every((r, i) => r.fields!.id === String(i) && r.fields!.text === 'multi\nline, with "quotes"' && r.line === 2 + 2 * i),
    ).toBe(true);
  });

  it('drops a byte order mark, reads Latin-1 when told, and rejects bad UTF-8 per record', async () => {
    const bom = await read(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')])));
    expect(bom[0]!.fields).toEqual({ a: '1', b: '2' });
    const latin = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xa3]), Buffer.from('40\n2,ok\n')]);
    const asUtf8 = await read(file(latin));
    expect(asUtf8.map((r) => r.problem?.reason)).toEqual(['invalid_encoding', undefined]);
    expect(asUtf8[0]!.problem!.detail).toContain('0xa3');
    const asLatin1 = await read(file(latin), { encoding: 'latin1' });
    expect(asLatin1[0]!.fields).toEqual({ a: '1', b: '£40' });
  });

  it('names what is wrong with a record and goes on', async () => {
    const records = await read(file('a,b\n1,2,3\n4\n"5"x,6\n7,8\n9,"unterminated'));
    expect(records.map((r) => [r.line, r.problem?.reason ?? 'ok'])).toEqual([
      [2, 'column_count'],
      [3, 'column_count'],
      [4, 'malformed_quotes'],
      [5, 'ok'],
      [6, 'unterminated_quote'],
    ]);
    expect(records[0]!.problem!.detail).toBe('expected 2 columns (a, b), found 3');
  });

  it('uses given column names when there is no header, and reads an empty file as nothing', async () => {
    expect((await read(file('1,2\n'), { header: false, columns: ['x', 'y'] }))[0]!.fields).toEqual({ x: '1', y: '2' });
    expect(await read(file(''))).toEqual([]);
  });
});
