import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { checkManifest } from '../../compiler/contract/read-manifest.ts';
import { currentManifestSchema, MANIFEST_SCHEMA_PATH } from '../../scripts/manifest-schema.ts';

/** The quickstart as compiled: a manifest with every kind's compiled block but Model and Test. */
function compiledQuickstart(): Record<string, any> {
  const result = runPipeline(new URL('../../examples/quickstart', import.meta.url).pathname, { emit: true });
  const text = result.emitted?.files.get('manifest.json');
  if (!text) throw new Error(JSON.stringify(result.diagnostics));
  return JSON.parse(text) as Record<string, any>;
}

describe('the compiled blocks in the manifest schema', () => {
  it('are the ones the contract types describe (run scripts/manifest-schema.ts after changing them)', () => {
    const committed = JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')) as unknown;
    expect(committed).toEqual(currentManifestSchema());
  }, 60_000);

  it('accept what the compiler writes, and refuse a wrong shape naming the definition and the path', () => {
    const manifest = compiledQuickstart();
    expect(() => checkManifest(manifest, 'build/manifest.json')).not.toThrow();

    const missing = structuredClone(manifest);
    delete missing.definitions['Segment/big_spenders'].compiled.sql.postgres;
    expect(() => checkManifest(missing, 'build/manifest.json')).toThrow(
      "build/manifest.json is not a valid Herald manifest: definition Segment/big_spenders, at compiled.sql: must have required property 'postgres'",
    );

    const wrongType = structuredClone(manifest);
    wrongType.definitions['Source/orders'].compiled.csv.header = 'yes';
    expect(() => checkManifest(wrongType, 'm.json')).toThrow('definition Source/orders, at compiled.csv.header: must be boolean');

    // A Segment's block where a Template's belongs: checked against the Template's shape.
    const swapped = structuredClone(manifest);
    const template = Object.keys(swapped.definitions).find((k) => k.startsWith('Template/'))!;
    swapped.definitions[template].compiled = manifest.definitions['Segment/big_spenders'].compiled;
    expect(() => checkManifest(swapped, 'm.json')).toThrow(new RegExp(`definition ${template}, at compiled: must have required property`));

    const badTime = structuredClone(manifest);
    badTime.definitions['Campaign/thank_big_spenders'].compiled.sendAt.kind = 'soon';
    expect(() => checkManifest(badTime, 'm.json')).toThrow(
      'definition Campaign/thank_big_spenders, at compiled.sendAt: kind "soon" is not one this manifest format knows here',
    );
  }, 60_000);
});
