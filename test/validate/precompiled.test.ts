import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../compiler/1-load/index.ts';
import { validate } from '../../compiler/2-validate/index.ts';
import { schemaProblems } from '../../compiler/2-validate/collapse.ts';
import { precompiledSchemaSource } from '../../compiler/2-validate/precompile.ts';
import { PrecompiledSchemas, type PrecompiledModule } from '../../compiler/2-validate/precompiled-schemas.ts';
import { ENVELOPE_ID, kindSchemaId, type Schemas } from '../../compiler/2-validate/schema-ids.ts';
import { SchemaRegistry } from '../../compiler/2-validate/schema-registry.ts';
import type { Definition } from '../../compiler/1-load/definition.ts';

/**
 * The built CLI validates with the validators `npm run build` compiles into standalone code
 * (precompile.ts, bundled as scripts/build.js does); tests and `bin/run-ts.js` compile the same
 * schemas with ajv at run time. Both must give the very same diagnostics: on the validate
 * fixtures that use the shipped schemas, on the example workspaces, and on random damage to every
 * kind of definition (down to the collapsed anyOf/oneOf branches, which are re-validated by pointer).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'validate');
const out = mkdtempSync(join(tmpdir(), 'herald-precompiled-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

let live: SchemaRegistry;
let precompiled: PrecompiledSchemas;

beforeAll(async () => {
  const outfile = join(out, 'precompiled-schemas.cjs');
  await build({
    stdin: { contents: precompiledSchemaSource(), resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  precompiled = new PrecompiledSchemas(createRequire(import.meta.url)(outfile) as PrecompiledModule);
  live = new SchemaRegistry();
}, 60_000);

function diagnosticsWith(dir: string, schemas: Schemas) {
  return validate(load(dir), { schemas }).diagnostics;
}

describe('precompiled schema validators', () => {
  it('give the diagnostics of the live ones on the fixtures and the examples', () => {
    const fixtures = readdirSync(FIXTURES)
      .filter((c) => existsSync(join(FIXTURES, c, 'workspace')) && !existsSync(join(FIXTURES, c, 'schemas')))
      .map((c) => join(FIXTURES, c, 'workspace'));
    const examples = readdirSync(join(ROOT, 'examples')).map((e) => join(ROOT, 'examples', e));
    let errors = 0;
    for (const dir of [...fixtures, ...examples, join(ROOT, 'campaigns')]) {
      const expected = diagnosticsWith(dir, live);
      errors += expected.length;
      expect(diagnosticsWith(dir, precompiled), dir).toEqual(expected);
    }
    // The fixtures are there to fail: the comparison covered real errors, not only clean runs.
    expect(errors).toBeGreaterThan(10);
  });

  it('give the problems of the live ones on randomly damaged definitions of every kind', () => {
    const definitions: Definition[] = [];
    for (const dir of ['campaigns', 'examples/templates-showcase', 'examples/ab-subject-test']) {
      definitions.push(...validate(load(join(ROOT, dir))).definitions);
    }
    const kinds = new Set(definitions.map((d) => d.kind));
    expect(kinds.size).toBeGreaterThan(6);
    const value = fc.oneof(
      fc.constantFrom(
        null,
        true,
        0,
        -1,
        1.5,
        '',
        'x',
        'Europe/Nowhere',
        '7d',
        'sqlite:x.db',
        [],
        {},
        [1, 'a'],
        { a: 1 },
        { type: 'email' },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const damage = fc.record({
      which: fc.nat(),
      at: fc.nat(),
      op: fc.constantFrom('replace', 'delete', 'add'),
      value,
      key: fc.constantFrom('extra', 'type', 'when', 'steps', 'x-y'),
    });
    let damaged = 0;
    fc.assert(
      fc.property(damage, ({ which, at, op, value, key }) => {
        const def = definitions[which % definitions.length]!;
        const spec = structuredClone(def.spec) as unknown;
        damageAt(spec, at, op, value, key);
        const envelope = { apiVersion: def.apiVersion, kind: def.kind, metadata: def.metadata, spec };
        for (const [ref, data, base] of [
          [kindSchemaId(def.kind), spec, ['spec']],
          [ENVELOPE_ID, envelope, []],
        ] as const) {
          const expected = schemaProblems(live, live.validator(ref) as never, data, [...base]);
          if (expected.length > 0) damaged++;
          expect(schemaProblems(precompiled, precompiled.validator(ref) as never, data, [...base])).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
    // Most damage breaks a schema rule: the runs compared real problems.
    expect(damaged).toBeGreaterThan(150);
  });
});

/** Replaces, deletes or adds a value at the at-th mapping or list found in a walk of `root`. */
function damageAt(root: unknown, at: number, op: string, value: unknown, key: string): void {
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    containers.push(node as Record<string, unknown>);
    for (const child of Object.values(node)) walk(child);
  };
  walk(root);
  const target = containers[at % containers.length]!;
  const keys = Object.keys(target);
  const name = op === 'add' || keys.length === 0 ? key : keys[at % keys.length]!;
  if (Array.isArray(target)) {
    const i = op === 'add' ? target.length : Number(name) || 0;
    if (op === 'delete') target.splice(i, 1);
    else target[i] = value;
  } else if (op === 'delete') {
    delete target[name];
  } else {
    target[name] = value;
  }
}
