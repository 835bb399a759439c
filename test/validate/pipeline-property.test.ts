import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { makeSourceFile, positionAt } from '../../compiler/1-load/source-file.ts';
import { formatDiagnostics } from '../../compiler/diagnostics/format/index.ts';

/**
 * The whole compiler (load, validate, analyze, emit: what `herald validate` and `herald compile`
 * run) on mutated copies of a valid workspace with every kind in it: it never throws, never
 * reports an internal error (a kind analyzer or emitter that crashed), and every diagnostic's range
 * lies inside the file it names. The mutations hit YAML structure, keys, values and rule text.
 */
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'quickstart');
const EXTRA = `---
apiVersion: herald/v1
kind: Trait
metadata: { name: rfm }
spec:
  rfm: { event: purchase, amount: amount, window: 365d }
---
apiVersion: herald/v1
kind: Trait
metadata: { name: stage }
spec:
  lifecycle:
    stages:
      - { name: new, when: days_since(signup_at) <= 7 and not exists(purchase) }
      - { name: active, when: exists(purchase within 30d) }
    else: prospect
---
apiVersion: herald/v1
kind: Segment
metadata: { name: loyal }
spec:
  where: rfm.frequency >= 4 and stage = "active" and country in ["United Kingdom", "France"]
  exclude: [new_customers]
---
apiVersion: herald/v1
kind: Model
metadata: { name: repurchase_90d }
spec:
  type: propensity
  label: exists(purchase within next 90d)
  features:
    recency: days_since(last(purchase).at)
    frequency: count(purchase within 365d)
  evaluation: { holdout: 0.2, min_auc: 0.7 }
`;

/** Codes that mean the compiler itself failed rather than the workspace. */
const INTERNAL = new Set(['HL305', 'HL401']);

const root = mkdtempSync(join(tmpdir(), 'herald-pipeline-property-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(EXAMPLE, path)];
  });
}
const YAML_FILES = files(EXAMPLE)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

type Mutation =
  | { op: 'delete-line' | 'duplicate-line' | 'indent' | 'dedent'; file: number; at: number }
  | { op: 'replace-word'; file: number; at: number; word: string }
  | { op: 'insert'; file: number; at: number; text: string }
  | { op: 'truncate'; file: number; at: number };

const WORDS = [
  'and',
  'or',
  'not',
  '(',
  ')',
  '"',
  '[',
  ']',
  '{',
  '}',
  ':',
  '-',
  '>=',
  '90d',
  'exists',
  'purchase',
  'segment',
  'Segment',
  'null',
  '',
  'true',
  '1e400',
  '😀',
  '\t',
  'in_segment(loyal)',
  'within next 90d',
  'since_entry',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('delete-line' as const, 'duplicate-line' as const, 'indent' as const, 'dedent' as const),
    file: fc.nat(),
    at: fc.nat(),
  }),
  fc.record({ op: fc.constant('replace-word' as const), file: fc.nat(), at: fc.nat(), word: fc.constantFrom(...WORDS) }),
  fc.record({
    op: fc.constant('insert' as const),
    file: fc.nat(),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...WORDS, '\n---\n', ': x', '\n  extra: 1'), fc.string({ maxLength: 6 })),
  }),
  fc.record({ op: fc.constant('truncate' as const), file: fc.nat(), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(lines.length, 1);
  switch (m.op) {
    case 'delete-line':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'duplicate-line':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'indent':
      lines[i] = `  ${lines[i] ?? ''}`;
      return lines.join('\n');
    case 'dedent':
      lines[i] = (lines[i] ?? '').replace(/^ {1,2}/, '');
      return lines.join('\n');
    case 'replace-word': {
      const words = (lines[i] ?? '').split(' ');
      words[(m.at >> 4) % Math.max(words.length, 1)] = m.word;
      lines[i] = words.join(' ');
      return lines.join('\n');
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
}

/** A fresh copy of the example (plus traits, a model and a segment using them), mutated. */
function mutatedWorkspace(mutations: Mutation[]): string {
  const dir = join(root, `w${runs++}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  writeFileSync(join(dir, 'segments.yaml'), `${readFileSync(join(dir, 'segments.yaml'), 'utf8')}${EXTRA}`);
  for (const m of mutations) {
    const file = join(dir, YAML_FILES[m.file % YAML_FILES.length]!);
    writeFileSync(file, mutate(readFileSync(file, 'utf8'), m));
  }
  return dir;
}

describe('the whole compiler on mutated workspaces', () => {
  it('starts from a workspace that compiles cleanly', () => {
    const dir = mutatedWorkspace([]);
    const errors = runPipeline(dir, { emit: true }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.file}:${d.range?.start.line} ${d.code} ${d.message}`)).toEqual([]);
  });

  it('never throws, reports no internal error, and keeps every range inside its file', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const dir = mutatedWorkspace(mutations);
        const result = runPipeline(dir, { emit: true });
        const texts = new Map(result.loaded.files.map((f) => [f.path, f.text]));
        // Template diagnostics may point into the .mjml files a Template names.
        for (const d of result.diagnostics) {
          if (d.file && !texts.has(d.file) && d.range) texts.set(d.file, readFileSync(join(dir, d.file), 'utf8'));
        }
        for (const format of ['pretty', 'json', 'github', 'sarif'] as const)
          formatDiagnostics(format, result.diagnostics, { sources: texts });
        for (const d of result.diagnostics) {
          seen.add(d.code);
          expect(INTERNAL.has(d.code), `${d.code} ${d.message}\n${(d.notes ?? []).join('\n')}`).toBe(false);
          if (!d.range) continue;
          const text = texts.get(d.file ?? '');
          expect(text, `${d.code} points into ${d.file}, which has no text`).toBeDefined();
          for (const p of [d.range.start, d.range.end]) {
            expect(p.offset, `${d.code} ${d.message}`).toBeGreaterThanOrEqual(0);
            expect(p.offset, `${d.code} ${d.message}`).toBeLessThanOrEqual(text!.length);
            const again = positionAt(makeSourceFile(d.file!, '', text!), p.offset);
            expect([again.line, again.column], `${d.code} ${d.message}`).toEqual([p.line, p.column]);
          }
          expect(d.range.end.offset).toBeGreaterThanOrEqual(d.range.start.offset);
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 60 },
    );
    // The mutations reach every phase, not only the YAML parser.
    for (const phase of ['HL1', 'HL2', 'HL3'])
      expect(
        [...seen].some((c) => c.startsWith(phase)),
        phase,
      ).toBe(true);
  }, 120_000);
});
