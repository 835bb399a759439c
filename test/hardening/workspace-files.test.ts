import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { afterAll, describe, expect, it } from 'vitest';
import { load } from '../../compiler/1-load/index.ts';
import { compileGlob, wildcardMatch } from '../../compiler/files/glob.ts';
import { readWorkspaceText, isRefused } from '../../compiler/files/workspace-files.ts';
import { matchFiles } from '../../runtime/ingest/files.ts';
import { readSampleData, SampleDataError } from '../../runtime/render/sample-data.ts';
import { runHerald } from '../support/workspace-copies.ts';

const QUICKSTART = join(import.meta.dirname, '../../examples/quickstart');
const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-files-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the quickstart example, and a secret file beside it (outside the workspace). */
function quickstart(): { root: string; secret: string } {
  const base = temp();
  const root = join(base, 'ws');
  cpSync(QUICKSTART, root, { recursive: true });
  const secret = join(base, 'secret.txt');
  writeFileSync(secret, 'CI_TOKEN=do-not-leak-4242\n');
  return { root, secret };
}

const herald = (args: string[]) => runHerald(args, process.cwd());

describe('one workspace file reader', () => {
  it('an mj-include through a link out of the workspace is refused at its place, and its content is never printed', async () => {
    const { root, secret } = quickstart();
    mkdirSync(join(root, 'outside'));
    symlinkSync(join(secret, '..'), join(root, 'templates', 'etclink'));
    const mjml = join(root, 'templates', 'welcome.mjml');
    writeFileSync(mjml, readFileSync(mjml, 'utf8').replace('<mj-body>', '<mj-body><mj-include path="etclink/secret.txt" />'));
    const run = await herald(['validate', root]);
    expect(run.code).toBe(1);
    expect(run.out + run.err).toContain('error[HL351]: templates/etclink/secret.txt is outside the workspace');
    expect(run.out + run.err).toMatch(/--> \S*templates\/welcome\.mjml:\d+:\d+/);
    expect(run.out + run.err).not.toContain('do-not-leak');
  }, 60_000);

  it('a definition file that links out of the workspace or to a device is refused, never read', () => {
    const { root, secret } = quickstart();
    symlinkSync(secret, join(root, 'environ.yaml'));
    symlinkSync('/dev/zero', join(root, 'zero.yaml'));
    const diagnostics = load(root).diagnostics.filter((d) => d.code === 'HL110');
    expect(diagnostics.map((d) => [d.file, d.message])).toEqual([
      ['environ.yaml', expect.stringContaining('cannot read environ.yaml: it resolves outside the workspace')],
      ['zero.yaml', expect.stringContaining('cannot read zero.yaml: it resolves outside the workspace')],
    ]);
    // Inside the workspace, a device is still refused (on the descriptor, so a FIFO never blocks).
    expect(readWorkspaceText('/dev', 'zero')).toMatchObject({ refusal: 'not-regular' });
  });

  it('link loops and a link to / end at once with a warning at the link', () => {
    const { root } = quickstart();
    symlinkSync('.', join(root, 'loop'));
    symlinkSync('/', join(root, 'root'));
    mkdirSync(join(root, 'x'));
    mkdirSync(join(root, 'y'));
    symlinkSync('../y', join(root, 'x', 'to-y'));
    symlinkSync('../x', join(root, 'y', 'to-x'));
    symlinkSync('b', join(root, 'a.yaml'));
    symlinkSync('a.yaml', join(root, 'b'));
    const result = load(root);
    const shown = result.diagnostics.filter((d) => d.code === 'HL112' || d.code === 'HL110').map((d) => [d.code, d.file]);
    expect(shown).toEqual(
      expect.arrayContaining([
        ['HL112', 'loop'],
        ['HL112', 'root'],
        ['HL110', 'a.yaml'],
      ]),
    );
    expect(shown.filter(([c]) => c === 'HL112')).toHaveLength(4); // loop, root, and one of x/to-y, y/to-x per pair
    expect(result.files.map((f) => f.path)).toContain('herald.yaml');
  });

  it('sample data and source files are read through the same reader', () => {
    const { root, secret } = quickstart();
    symlinkSync(secret, join(root, 'data', 'sample.yaml'));
    expect(() => readSampleData(join(root, 'data', 'sample.yaml'), root)).toThrow(SampleDataError);
    expect(() => readSampleData(join(root, 'data', 'sample.yaml'), root)).toThrow(/outside the workspace/);
    symlinkSync(secret, join(root, 'data', 'leak.csv'));
    symlinkSync('/dev/zero', join(root, 'data', 'zero.csv'));
    const matched = matchFiles(root, ['data/*.csv']);
    expect(matched.files).toEqual(['data/customers.csv', 'data/purchases.csv']);
    expect(matched.refused.map((r) => r.path)).toEqual(['data/leak.csv', 'data/zero.csv']);
  });

  it('a path that is a folder is a located refusal, not EISDIR', () => {
    const { root } = quickstart();
    const r = readWorkspaceText(root, 'templates');
    expect(isRefused(r) && r.message).toBe('templates is a folder, not a file');
  });
});

describe('one glob engine', () => {
  it('many * on a long file name answers at once (picomatch alone backtracks for minutes)', () => {
    const root = temp();
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', `${'a'.repeat(200)}.csv`), 'id\n1\n');
    const matched = matchFiles(root, [`data/${'*a'.repeat(20)}*b.csv`, `data/${'*a'.repeat(20)}*.csv`]);
    expect(matched.files).toEqual([`data/${'a'.repeat(200)}.csv`]);
    expect(matched.missing).toEqual([`data/${'*a'.repeat(20)}*b.csv`]);
  }, 5_000);

  it('the linear matcher agrees with picomatch on plain wildcard segments', () => {
    // No `**` inside a segment: picomatch reads `***a.` with its `.` as any character (so "aa"
    // matches); a segment's run of stars means one star to the linear matcher, as in shells.
    const segment = fc.stringMatching(/^[ab*?.]{0,8}$/).filter((p) => !p.includes('**'));
    const name = fc.stringMatching(/^[ab.]{1,10}$/).filter((n) => n !== '.' && n !== '..');
    fc.assert(
      fc.property(segment, name, (p, n) => {
        if (p === '') return;
        // picomatch special-cases exactly `*.*` to need a non-empty extension ("b." fails); every
        // other spelling (`*.*.*`, `?.*`, `*b.*`) lets a trailing `*` match nothing, as shells do,
        // and so does the linear matcher, for `*.*` too.
        const expected = p === '*.*' && n.endsWith('.') && !n.startsWith('.') ? true : picomatch(p)(n);
        expect(compileGlob(p).matches(n)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(wildcardMatch('*.csv', 'x.csv')).toBe(true);
  });

  it('** spans folders and .heraldignore uses the same engine', () => {
    const g = compileGlob('data/**/*.csv');
    expect(['data/a.csv', 'data/x/y/b.csv', 'other/a.csv', 'data/.hidden/a.csv'].map((p) => g.matches(p))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(g.base).toBe('data');
  });
});
