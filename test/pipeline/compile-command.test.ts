import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../compiler/schema/files.ts';
import { runCli } from './run-cli.ts';

const QUICKSTART = join(import.meta.dirname, '..', '..', 'examples', 'quickstart');
const validateManifest = new Ajv({ strict: true, allErrors: true, discriminator: true }).compile(
  JSON.parse(readFileSync(join(SCHEMAS_DIR, 'manifest.schema.json'), 'utf8')),
);

/** A private copy of the quickstart workspace (tests write build/ into it). */
function quickstartCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'herald-compile-')), 'quickstart');
  cpSync(QUICKSTART, dir, { recursive: true, filter: (src) => !/[\\/](build|\.herald)$/.test(src) });
  return dir;
}

describe('herald compile', () => {
  it('compiles the quickstart example into build/ with a schema-valid manifest', async () => {
    const dir = quickstartCopy();
    const run = await runCli(['compile', dir], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/compiled \d+ definitions into build\/ \(\d+ files\)/);
    const manifest = JSON.parse(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8'));
    const ok = validateManifest(manifest);
    expect(validateManifest.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(manifest.metadata.workspace).toBe('quickstart');
    expect(manifest.definitions['Segment/new_customers'].dependsOn).toContain('Segment/reachable');
    // Every file the manifest lists is in build/.
    for (const path of Object.keys(manifest.files)) expect(existsSync(join(dir, 'build', ...path.split('/')))).toBe(true);
  });

  it('writes byte-identical builds on two compiles, and the same after reformatting a YAML file', async () => {
    const dir = quickstartCopy();
    await runCli(['compile', '.'], dir);
    const first = readFileSync(join(dir, 'build', 'manifest.json'), 'utf8');
    await runCli(['compile', '.'], dir);
    expect(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8')).toBe(first);

    writeFileSync(
      join(dir, 'segments.yaml'),
      `# reformatted: flow style, other key order, comments, other indentation
kind: Segment
spec: { where: email_consent }   # consent
metadata: { description: "Customers who agreed to receive email", name: reachable }
apiVersion: herald/v1
---
metadata:
    description: Signed up in the last two weeks and reachable
    name: new_customers
spec:
    where: >-
        days_since(signup_at) <= 14
    include:
        - reachable
kind: Segment
apiVersion: 'herald/v1'
---
{ apiVersion: herald/v1, kind: Segment,
  metadata: { name: big_spenders, description: Spent over 200 in the last year },
  spec: { include: [reachable], where: "sum(purchase.amount within 365d) > 200" } }
`,
    );
    const run = await runCli(['compile', '.'], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8')).toBe(first);
  });

  it("changes a template's compiledHash and generated_from, not its hash, when only its .mjml file changes", async () => {
    const dir = quickstartCopy();
    await runCli(['compile', '.'], dir);
    const before = JSON.parse(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8'));
    const mjml = join(dir, 'templates', 'welcome.mjml');
    writeFileSync(mjml, readFileSync(mjml, 'utf8').replace('Have a look', 'Take a look'));
    expect((await runCli(['compile', '.'], dir)).code).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8'));
    const [b, a] = [before.definitions['Template/welcome'], after.definitions['Template/welcome']];
    expect(a.hash).toBe(b.hash);
    expect(a.compiledHash).not.toBe(b.compiledHash);
    expect(after.metadata.generated_from).not.toBe(before.metadata.generated_from);
    expect(after.definitions['Template/thank_you'].compiledHash).toBe(before.definitions['Template/thank_you'].compiledHash);
  });

  it('leaves the previous build untouched when the workspace has errors, and leaves no temporary folders', async () => {
    const dir = quickstartCopy();
    await runCli(['compile', '.'], dir);
    const before = readFileSync(join(dir, 'build', 'manifest.json'), 'utf8');
    writeFileSync(
      join(dir, 'campaigns.yaml'),
      'apiVersion: herald/v1\nkind: Segment\nmetadata: { name: broken }\nspec: { include: [nope] }\n',
    );
    const run = await runCli(['compile', '.'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('HL302');
    expect(run.stdout).toContain('nothing written');
    expect(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('.build'))).toEqual([]);
  });

  it('replaces the whole build folder: files no longer produced disappear', async () => {
    const dir = quickstartCopy();
    await runCli(['compile', '.'], dir);
    writeFileSync(join(dir, 'build', 'stale.sql'), 'select 1');
    expect((await runCli(['compile', '.'], dir)).code).toBe(0);
    expect(existsSync(join(dir, 'build', 'stale.sql'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.build'))).toEqual([]);
  });

  it('writes to --out, and refuses to replace a folder that is not a build', async () => {
    const dir = quickstartCopy();
    const out = join(dir, '..', 'elsewhere');
    expect((await runCli(['compile', '.', '--out', out], dir)).code).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);

    const precious = join(dir, '..', 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'notes.txt'), 'keep me');
    const refused = await runCli(['compile', '.', '--out', precious], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not a Herald build');
    expect(readFileSync(join(precious, 'notes.txt'), 'utf8')).toBe('keep me');

    const itself = await runCli(['compile', '.', '--out', '..'], dir);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain('holds the workspace');
  });

  it('records generated_at from SOURCE_DATE_EPOCH without changing generated_from', async () => {
    const dir = quickstartCopy();
    await runCli(['compile', '.'], dir);
    const plain = JSON.parse(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8'));
    await runCli(['compile', '.'], dir, { SOURCE_DATE_EPOCH: '1767225600' });
    const stamped = JSON.parse(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8'));
    expect(plain.metadata.generated_at).toBeUndefined();
    expect(stamped.metadata.generated_at).toBe('2026-01-01T00:00:00.000Z');
    expect(stamped.metadata.generated_from).toBe(plain.metadata.generated_from);
    expect((await runCli(['compile', '.'], dir, { SOURCE_DATE_EPOCH: 'yesterday' })).code).toBe(2);
  });

  it('prints json diagnostics that parse, with the status line on stderr', async () => {
    const dir = quickstartCopy();
    const run = await runCli(['compile', '.', '--format', 'json'], dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.errors).toBe(0);
    expect(run.stderr).toMatch(/compiled \d+ definitions/);
  });

  it('exits 2 for a folder that is not a workspace and for bad options', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'herald-compile-empty-'));
    expect((await runCli(['compile', '.'], empty)).code).toBe(2);
    expect(existsSync(join(empty, 'build'))).toBe(false);
    expect((await runCli(['compile', '.', '--format', 'yaml'], empty)).code).toBe(2);
    expect((await runCli(['compile', 'a', 'b'], empty)).code).toBe(2);
  });
});

describe('the Workspace in the manifest', () => {
  it('carries the database, the time zone and the normalized settings as its compiled block', async () => {
    const dir = quickstartCopy();
    expect((await runCli(['compile', '.'], dir)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'build', 'manifest.json'), 'utf8'));
    const compiled = manifest.definitions['Workspace/quickstart'].compiled;
    expect(compiled).toMatchObject({ database: 'sqlite:.herald/quickstart.db', databaseWritten: true, timezone: 'Europe/London' });
    // Defaults are filled in once, here: the runtime reads these and never the written spec.
    expect(compiled.delivery).toMatchObject({ timeZone: 'Europe/London', emailField: 'email', retry: { maxAttempts: 5 } });
    expect(compiled.server).toMatchObject({ host: '127.0.0.1', port: 4410 });
    expect(Object.keys(compiled).sort()).toEqual(['database', 'databaseWritten', 'delivery', 'server', 'timezone', 'topics']);
  });
});
