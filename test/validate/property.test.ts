import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../compiler/1-load/index.ts';
import { parseFileBytes } from '../../compiler/1-load/parse-file.ts';
import { makeSourceFile, positionAt } from '../../compiler/1-load/source-file.ts';
import { validate } from '../../compiler/2-validate/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { formatDiagnostics } from '../../compiler/diagnostics/format/index.ts';

const VALID_WORKSPACE = `apiVersion: herald/v1
kind: Workspace
metadata:
  name: shop
  labels: { team: lifecycle }
spec:
  database: sqlite:.herald/shop.db
  timezone: Europe/London
  customers:
    merge_by_email: true
    fields:
      email: { type: email, pii: true }
      country: string
      signup_at: timestamp
  events:
    purchase: { amount: number, item_id: string }
    page_view: { item_id: string }
  items:
    fields: { name: string, price: number }
---
apiVersion: herald/v1
kind: Workspace
metadata: { name: second }
spec: { customers: { fields: {} } }
`;

/** load + validate of one herald.yaml in memory, the way load() assembles its result. */
function check(bytes: Uint8Array): { diagnostics: Diagnostic[]; text?: string } {
  const parsed = parseFileBytes('herald.yaml', '/ws/herald.yaml', bytes);
  const loaded: LoadResult = {
    root: '/ws',
    files: parsed.file ? [parsed.file] : [],
    documents: parsed.documents,
    rules: [],
    diagnostics: parsed.diagnostics,
  };
  const validated = validate(loaded);
  const diagnostics = [...loaded.diagnostics, ...validated.diagnostics];
  // Every output format must cope with whatever came out.
  const sources = new Map(loaded.files.map((f) => [f.path, f.text]));
  for (const format of ['pretty', 'json', 'github', 'sarif'] as const) formatDiagnostics(format, diagnostics, { sources });
  return { diagnostics, text: parsed.file?.text };
}

function assertRangesInside(diagnostics: Diagnostic[], text: string | undefined): void {
  for (const d of diagnostics) {
    if (!d.range) continue;
    expect(text, `${d.code} has a range but its file has no text`).toBeDefined();
    const t = text!;
    const lines = t.split('\n').length;
    for (const p of [d.range.start, d.range.end]) {
      expect(p.line, `${d.code} ${d.message}`).toBeGreaterThanOrEqual(1);
      expect(p.line, `${d.code} ${d.message}`).toBeLessThanOrEqual(lines);
      expect(p.column).toBeGreaterThanOrEqual(1);
      expect(p.offset).toBeGreaterThanOrEqual(0);
      expect(p.offset).toBeLessThanOrEqual(t.length);
      // line:column and offset describe the same place
      const again = positionAt(makeSourceFile('herald.yaml', '', t), p.offset);
      expect([again.line, again.column]).toEqual([p.line, p.column]);
    }
    expect(d.range.end.offset).toBeGreaterThanOrEqual(d.range.start.offset);
  }
}

type Mutation =
  | { op: 'delete-line'; at: number }
  | { op: 'duplicate-line'; at: number }
  | { op: 'rename-key'; at: number; name: string }
  | { op: 'change-scalar'; at: number; value: string }
  | { op: 'insert-tab'; at: number }
  | { op: 'insert-char'; at: number; char: string }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('rename-key' as const),
    at: fc.nat(),
    name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('spec', 'kind', 'Name', 'timezon', 'fields', 'x-y')),
  }),
  fc.record({
    op: fc.constant('change-scalar' as const),
    at: fc.nat(),
    value: fc.constantFrom(
      '42',
      'true',
      'null',
      '~',
      '[1, 2]',
      '{ a: 1 }',
      '"text"',
      '',
      '-1.5',
      'Europe/Nowhere',
      '*alias',
      '&anchor x',
      '!tag y',
      '|',
      "'unterminated",
    ),
  }),
  fc.record({ op: fc.constant('insert-tab' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert-char' as const),
    at: fc.nat(),
    char: fc.constantFrom(':', '-', '[', '{', '"', '#', '\u00e9', '\ufffd', '\r', '\n', ' ', '---\n'),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = lines.length === 0 ? 0 : m.at % lines.length;
  const line = lines[i] ?? '';
  switch (m.op) {
    case 'delete-line':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'duplicate-line':
      lines.splice(i, 0, line);
      return lines.join('\n');
    case 'rename-key':
      lines[i] = line.replace(/^(\s*)([^:\s][^:]*):/, `$1${m.name}:`);
      return lines.join('\n');
    case 'change-scalar':
      lines[i] = line.replace(/:\s+[^{[\s].*$/, `: ${m.value}`);
      return lines.join('\n');
    case 'insert-tab':
      lines[i] = `\t${line}`;
      return lines.join('\n');
    case 'insert-char': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.char + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
}

describe('load + validate never throw, and every range lies inside its file', () => {
  it('on garbage bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const { diagnostics, text } = check(bytes);
        assertRangesInside(diagnostics, text);
      }),
      { numRuns: 300 },
    );
  });

  it('on garbage text made of YAML punctuation', () => {
    const token = fc.constantFrom(
      'a',
      ':',
      ' ',
      '  ',
      '\n',
      '-',
      '[',
      ']',
      '{',
      '}',
      ',',
      '"',
      "'",
      '#',
      '&x',
      '*x',
      '!t',
      '|',
      '>',
      '?',
      '\t',
      '---',
      'kind',
      'spec',
      'Workspace',
      'herald/v1',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 80 }), (tokens) => {
        const { diagnostics, text } = check(Buffer.from(tokens.join('')));
        assertRangesInside(diagnostics, text);
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated valid documents', () => {
    const seen = new Set<string>();
    expect(check(Buffer.from(VALID_WORKSPACE)).diagnostics.map((d) => d.code)).toEqual(['HL211']);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const text = mutations.reduce(mutate, VALID_WORKSPACE);
        const { diagnostics, text: loadedText } = check(Buffer.from(text));
        assertRangesInside(diagnostics, loadedText);
        for (const d of diagnostics) seen.add(d.code);
      }),
      { numRuns: 400 },
    );
    // The mutations reach both phases, not just the YAML parser.
    expect([...seen].filter((c) => c.startsWith('HL1')).length).toBeGreaterThanOrEqual(3);
    expect([...seen].filter((c) => c.startsWith('HL2')).length).toBeGreaterThanOrEqual(5);
  });
});
