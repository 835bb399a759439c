import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../compiler/schema/files.ts';
import { HERALD_VERSION, MANIFEST_VERSION } from '../../compiler/contract/version.ts';
import { emitWorkspace, SHOP, SHOP_REFORMATTED } from './support.ts';

const manifestSchema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'manifest.schema.json'), 'utf8'));
const validateManifest = new Ajv({ strict: true, allErrors: true, discriminator: true }).compile(manifestSchema);

describe('manifest', () => {
  it('is byte-identical across two compiles', () => {
    const a = emitWorkspace(SHOP).files.get('manifest.json');
    const b = emitWorkspace(SHOP).files.get('manifest.json');
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('is unchanged by reformatting the YAML (indentation, key order, comments, flow vs block, quoting)', () => {
    expect(emitWorkspace(SHOP_REFORMATTED).files.get('manifest.json')).toBe(emitWorkspace(SHOP).files.get('manifest.json'));
  });

  it('changes the definition hash and generated_from when content changes, and only that hash', () => {
    const before = emitWorkspace(SHOP).manifest;
    const after = emitWorkspace({ ...SHOP, 'segments.yaml': SHOP['segments.yaml'].replace('< 30', '< 31') }).manifest;
    expect(after.definitions['Segment/narrower'].hash).not.toBe(before.definitions['Segment/narrower'].hash);
    expect(after.definitions['Segment/base'].hash).toBe(before.definitions['Segment/base'].hash);
    expect(after.metadata.generated_from).not.toBe(before.metadata.generated_from);
  });

  it('validates against schemas/manifest.schema.json', () => {
    const { manifest, files } = emitWorkspace(SHOP);
    const parsed = JSON.parse(files.get('manifest.json')!);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(manifest)));
    const ok = validateManifest(parsed);
    expect(validateManifest.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('holds metadata, normalized definitions, the graph and sorted keys', () => {
    const { manifest, files } = emitWorkspace(SHOP);
    expect(manifest.metadata).toEqual({
      herald_version: HERALD_VERSION,
      manifest_version: MANIFEST_VERSION,
      workspace: 'shop',
      generated_from: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(Object.keys(manifest.definitions)).toEqual([
      'Campaign/hello_all',
      'Segment/base',
      'Segment/narrower',
      'Template/hello',
      'Workspace/shop',
    ]);
    const narrower = manifest.definitions['Segment/narrower'];
    expect(narrower.file).toBe('segments.yaml');
    expect(narrower.dependsOn).toEqual(['Segment/base']);
    expect(narrower.dependents).toEqual(['Campaign/hello_all']);
    // The test schema gives Segment `live` a default of false: defaults are applied.
    expect(narrower.spec.live).toBe(false);
    expect(manifest.definitions['Segment/base'].dependents).toEqual(['Segment/narrower']);
    expect(manifest.graph.edges).toEqual([
      ['Campaign/hello_all', 'Segment/narrower'],
      ['Campaign/hello_all', 'Template/hello'],
      ['Segment/narrower', 'Segment/base'],
    ]);
    const order = manifest.graph.order;
    expect(order.indexOf('Segment/base')).toBeLessThan(order.indexOf('Segment/narrower'));
    expect(order.indexOf('Segment/narrower')).toBeLessThan(order.indexOf('Campaign/hello_all'));
    // Keys in the file are sorted at every level.
    const text = files.get('manifest.json')!;
    expect(Object.keys(JSON.parse(text))).toEqual(['dataModel', 'definitions', 'files', 'graph', 'metadata']);
    expect(text.indexOf('"channel"')).toBeLessThan(text.indexOf('"team"'));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('records generated_at only when asked, outside generated_from', async () => {
    const { load } = await import('../../compiler/1-load/index.ts');
    const { analyze } = await import('../../compiler/3-analyze/index.ts');
    const { emit } = await import('../../compiler/4-emit/index.ts');
    const { trustingValidate, testSchemaOf, writeWorkspace } = await import('../analyze/support.ts');
    const loaded = load(writeWorkspace(SHOP));
    const validated = trustingValidate(loaded);
    const analyzed = analyze(loaded, validated, { specSchemaOf: testSchemaOf, kindAnalyzers: [] });
    const plain = emit(loaded, validated, analyzed, { specSchemaOf: testSchemaOf, kindEmitters: {} }).manifest;
    const stamped = emit(loaded, validated, analyzed, {
      generatedAt: '2026-01-01T00:00:00.000Z',
      specSchemaOf: testSchemaOf,
      kindEmitters: {},
    }).manifest;
    expect(plain.metadata.generated_at).toBeUndefined();
    expect(stamped.metadata.generated_at).toBe('2026-01-01T00:00:00.000Z');
    expect(stamped.metadata.generated_from).toBe(plain.metadata.generated_from);
  });
});

/** A Segment's compiled block of the manifest's shape (the schema constrains each kind's). */
function segmentBlock(sql: string) {
  const query = { sql, parameters: [{ name: 'as_of' }] };
  return { sql: { sqlite: query, postgres: query }, ast: { kind: 'boolean', value: true }, dependencies: [] };
}

describe('kind emitters', () => {
  it('put their compiled block and build files into the manifest', () => {
    const { manifest, files, diagnostics } = emitWorkspace(SHOP, {
      Segment: (def, ctx) => {
        ctx.writeFile(`sql/sqlite/segments/${def.name}.sql`, `select 1 -- ${def.name}\n`);
        return segmentBlock(`select ${def.name}`);
      },
    });
    expect(diagnostics).toEqual([]);
    expect(manifest.definitions['Segment/base'].compiled).toEqual(segmentBlock('select base'));
    expect(manifest.definitions['Segment/base'].compiledHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.definitions['Segment/base'].compiledHash).not.toBe(manifest.definitions['Segment/narrower'].compiledHash);
    expect(manifest.definitions['Template/hello'].compiled).toBeUndefined();
    expect(manifest.definitions['Template/hello'].compiledHash).toBeUndefined();
    expect([...files.keys()]).toEqual(['manifest.json', 'sql/sqlite/segments/base.sql', 'sql/sqlite/segments/narrower.sql']);
    expect(Object.keys(manifest.files)).toEqual(['sql/sqlite/segments/base.sql', 'sql/sqlite/segments/narrower.sql']);
    expect(validateManifest(JSON.parse(files.get('manifest.json')!))).toBe(true);
  });

  it('report a crash as HL401 at the definition, and keep going', () => {
    const { diagnostics, manifest } = emitWorkspace(SHOP, {
      Template: () => {
        throw new Error('boom');
      },
    });
    expect(diagnostics.map((d) => [d.code, d.message, d.file, d.range?.start.line])).toEqual([
      ['HL401', 'internal error while compiling Template hello: boom', 'campaign.yaml', 4],
    ]);
    expect(manifest.definitions['Campaign/hello_all']).toBeDefined();
  });

  it('report a compiled block that is not plain JSON (HL404)', () => {
    const { diagnostics } = emitWorkspace(SHOP, { Campaign: () => ({ at: new Date(0) }) });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['HL404', 'the compiled form of Campaign hello_all is not plain JSON at $.at'],
    ]);
  });

  it('cannot write outside build/ (HL402) or overwrite another file (HL403)', () => {
    const { diagnostics, files } = emitWorkspace(SHOP, {
      Segment: (def, ctx) => {
        ctx.writeFile('../escape.sql', 'x');
        ctx.writeFile('/abs.sql', 'x');
        ctx.writeFile('manifest.json', 'x');
        ctx.writeFile('shared.sql', def.name);
        ctx.writeFile('same.sql', 'same content is fine');
        return undefined;
      },
    });
    expect(diagnostics.map((d) => d.code)).toEqual(['HL402', 'HL402', 'HL402', 'HL402', 'HL402', 'HL402', 'HL403']);
    expect(diagnostics.at(-1)!.message).toBe(
      'Segment narrower and Segment base both write build file "shared.sql" with different contents',
    );
    expect(files.get('shared.sql')).toBe('base');
    expect(files.get('same.sql')).toBe('same content is fine');
  });
});
