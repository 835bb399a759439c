import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest, loadManifestFile, ManifestError } from '../../compiler/contract/read-manifest.ts';
import { MANIFEST_VERSION } from '../../compiler/contract/version.ts';
import { emitWorkspace, SHOP } from '../emit/support.ts';

const manifestText = emitWorkspace(SHOP).files.get('manifest.json')!;

function write(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'herald-manifest-')), 'manifest.json');
  writeFileSync(path, text);
  return path;
}

describe('the manifest reader', () => {
  it('reads a manifest the compiler wrote', async () => {
    const manifest = await loadManifestFile(write(manifestText));
    expect(manifest.metadata.manifest_version).toBe(MANIFEST_VERSION);
    expect(Object.keys(manifest.definitions)).toContain('Segment/base');
  });

  it('refuses another manifest_version, naming both versions and what to do', async () => {
    const other = JSON.parse(manifestText);
    other.metadata.manifest_version = MANIFEST_VERSION + 1;
    const path = write(JSON.stringify(other));
    await expect(loadManifestFile(path)).rejects.toThrow(ManifestError);
    await expect(loadManifestFile(path)).rejects.toThrow(
      new RegExp(
        `manifest_version ${MANIFEST_VERSION + 1} \\(written by Herald .*\\), but this Herald reads version ${MANIFEST_VERSION}; run \`herald compile\``,
      ),
    );
  });

  it('refuses a manifest that breaks the schema, saying where', () => {
    const broken = JSON.parse(manifestText);
    delete broken.definitions['Segment/base'].hash;
    expect(() => checkManifest(broken, 'build/manifest.json')).toThrow(
      /build\/manifest.json is not a valid Herald manifest: definition Segment\/base: must have required property 'hash'/,
    );
  });

  it('says plainly when the file is missing, not JSON, or not a manifest', async () => {
    await expect(loadManifestFile('/nonexistent/manifest.json')).rejects.toThrow(
      /no manifest at \/nonexistent\/manifest.json; run `herald compile` first/,
    );
    await expect(loadManifestFile(write('{'))).rejects.toThrow(/is not valid JSON/);
    await expect(loadManifestFile(write('[]'))).rejects.toThrow(/is not a Herald manifest/);
  });
});
