import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../../compiler/1-load/index.ts';
import { validate } from '../../compiler/2-validate/index.ts';
import { SchemaRegistry, readSchemaOverrides } from '../../compiler/2-validate/schema-registry.ts';
import { sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { SCHEMAS_DIR } from '../../compiler/schema/files.ts';

/**
 * Fixture folders: test/fixtures/validate/<case>/workspace/ (a workspace), expected.json (the
 * diagnostics of load + validate, and the definitions that passed), and optionally schemas/ (schema
 * files that replace the shipped ones of the same path, to exercise keywords no shipped schema uses).
 * `UPDATE_SNAPSHOTS=1 npx vitest run test/validate` rewrites expected.json.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'validate');
const update = process.env.UPDATE_SNAPSHOTS === '1';

interface Expected {
  diagnostics: Array<{ code: string; severity: string; at: string; message: string; help?: string; notes?: string[] }>;
  definitions: string[];
}

function summarize(d: Diagnostic): Expected['diagnostics'][number] {
  const r = d.range;
  const at = `${d.file ?? '-'}${r ? `:${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : ''}`;
  return {
    code: d.code,
    severity: d.severity,
    at,
    message: d.message,
    ...(d.help ? { help: d.help } : {}),
    ...(d.notes ? { notes: d.notes } : {}),
  };
}

function runFixture(dir: string): Expected {
  const overrides = existsSync(join(dir, 'schemas')) ? readSchemaOverrides(join(dir, 'schemas')) : undefined;
  const loaded = load(join(dir, 'workspace'));
  const validated = validate(loaded, overrides ? { schemas: new SchemaRegistry(SCHEMAS_DIR, overrides) } : {});
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...validated.diagnostics]).map(summarize);
  // Absolute paths differ between machines; messages quote the workspace as given.
  for (const d of diagnostics) d.message = d.message.split(dir).join('<fixture>');
  return { diagnostics, definitions: validated.definitions.map((d) => `${d.kind}/${d.name}`) };
}

describe('validate fixtures', () => {
  const cases = readdirSync(FIXTURES).filter((c) => existsSync(join(FIXTURES, c, 'workspace')));
  for (const name of cases.sort()) {
    it(name, () => {
      const dir = join(FIXTURES, name);
      const actual = runFixture(dir);
      const file = join(dir, 'expected.json');
      if (update || !existsSync(file)) {
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        if (!update) throw new Error(`wrote ${file}; check it and run again`);
        return;
      }
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')) as Expected);
    });
  }

  it('has a fixture for every HL1xx and HL2xx code it owns', () => {
    const seen = new Set<string>();
    for (const c of cases) {
      const expected = JSON.parse(readFileSync(join(FIXTURES, c, 'expected.json'), 'utf8')) as Expected;
      for (const d of expected.diagnostics) seen.add(d.code);
    }
    // HL101, HL107, HL108, HL110 need files git cannot hold (a missing folder, bad bytes, 50 MB, a broken link): test/load covers them.
    const owned = ['HL102', 'HL103', 'HL104', 'HL105', 'HL106', 'HL109', 'HL111', ...Array.from({ length: 20 }, (_, i) => `HL${201 + i}`)];
    expect(owned.filter((c) => !seen.has(c))).toEqual([]);
  });
});
