import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

const WORKSPACE =
  'apiVersion: herald/v1\nkind: Workspace\nmetadata: { name: shop }\nspec:\n  timezone: UTC\n  customers: { fields: { email: email } }\n';

function sink(isTTY = false) {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

const dirs: string[] = [];
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}, tty = false) {
  const out = sink(tty);
  const err = sink(tty);
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, cwd, env });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('herald validate', () => {
  it('exits 0 on a clean workspace and says so', async () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE });
    const r = await run(['validate'], dir);
    expect(r.stdout).toBe('0 errors, 0 warnings\n');
    expect(r.code).toBe(0);
  });

  it('exits 0 with warnings only', async () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE, 'empty.yaml': '' });
    const r = await run(['validate', '.'], dir);
    expect(r.stdout).toContain('warning[HL106]');
    expect(r.code).toBe(0);
  });

  it('exits 1 with errors, printed with paths relative to the current folder', async () => {
    const dir = workspace({ 'ws/herald.yaml': WORKSPACE.replace('timezone: UTC', 'timezone: Europe/Londn') });
    const r = await run(['validate', 'ws'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[HL210]: spec.timezone "Europe/Londn" is not an IANA time zone');
    expect(r.stdout).toContain(' --> ws/herald.yaml:5:13');
    expect(r.stdout).toContain('did you mean "Europe/London"?');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('colours on a TTY unless NO_COLOR is set', async () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE.replace('UTC', 'Mars/Base') });
    expect((await run(['validate'], dir, {}, true)).stdout).toContain('\u001b[');
    expect((await run(['validate'], dir, { NO_COLOR: '1' }, true)).stdout).not.toContain('\u001b[');
  });

  it('--format json prints a versioned document', async () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE.replace('name: shop', 'name: Shop') });
    const r = await run(['validate', '--format', 'json'], dir);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toBe(1);
    expect(doc.summary.errors).toBe(1);
    expect(doc.diagnostics[0]).toMatchObject({ code: 'HL209', file: 'herald.yaml', range: { start: { line: 3, column: 19 } } });
    expect(r.code).toBe(1);
  });

  it('--format github annotates relative to GITHUB_WORKSPACE and sends overflow to the step summary', async () => {
    const fields = Array.from({ length: 12 }, (_, i) => `      Bad${i}: string`).join('\n');
    const dir = workspace({
      'repo/ws/herald.yaml': `${WORKSPACE.replace('  customers: { fields: { email: email } }\n', '')}  customers:\n    fields:\n${fields}\n`,
    });
    const summaryFile = join(dir, 'summary.md');
    const r = await run(['validate', 'ws', '--format', 'github'], join(dir, 'repo'), {
      GITHUB_WORKSPACE: join(dir, 'repo'),
      GITHUB_STEP_SUMMARY: summaryFile,
    });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(annotations).toHaveLength(10);
    expect(annotations[0]).toMatch(/^::error file=ws\/herald.yaml,line=8,col=7,endLine=8,endColumn=11,title=HL209::/);
    expect(readFileSync(summaryFile, 'utf8')).toContain('2 of 12 diagnostics not shown');
  });

  it('--format sarif prints SARIF 2.1.0', async () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE });
    const r = await run(['validate', '--format', 'sarif'], dir);
    expect(JSON.parse(r.stdout).version).toBe('2.1.0');
    expect(r.code).toBe(0);
  });

  it('exits 2 for a folder that does not exist (HL101) or has no herald.yaml (HL102)', async () => {
    const dir = workspace({ 'other.yaml': 'a: 1\n' });
    const missing = await run(['validate', 'nope'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('error[HL101]');
    const noRoot = await run(['validate'], dir);
    expect(noRoot.code).toBe(2);
    expect(noRoot.stdout).toContain('error[HL102]');
  });

  it('exits 2 for a bad --format or too many folders', async () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE });
    const bad = await run(['validate', '--format', 'xml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of pretty, json, github, sarif');
    expect((await run(['validate', 'a', 'b'], dir)).code).toBe(2);
  });
});
