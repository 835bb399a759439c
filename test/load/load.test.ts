import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { load } from '../../compiler/1-load/index.ts';
import { MAX_NESTING, parseFileBytes } from '../../compiler/1-load/parse-file.ts';

const WORKSPACE = 'apiVersion: herald/v1\nkind: Workspace\nmetadata: { name: shop }\nspec:\n  customers: { fields: { email: email } }\n';

const dirs: string[] = [];
function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-load-'));
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

function brief(dir: string) {
  return load(dir).diagnostics.map((d) => ({
    code: d.code,
    file: d.file,
    at: d.range ? `${d.range.start.line}:${d.range.start.column}` : undefined,
    message: d.message,
  }));
}

describe('load', () => {
  it('HL101: a workspace folder that does not exist', () => {
    const diagnostics = load('/definitely/not/here').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['HL101', 'workspace /definitely/not/here does not exist or is not a directory'],
    ]);
  });

  it('HL107: a file that is not UTF-8 points at the first bad byte', () => {
    const latin1 = new Uint8Array([...Buffer.from(WORKSPACE), ...Buffer.from('# caf'), 0xe9, 0x0a]);
    expect(brief(workspace({ 'herald.yaml': latin1 }))).toEqual([
      { code: 'HL107', file: 'herald.yaml', at: '6:6', message: 'invalid UTF-8 byte 0xe9 at byte 116' },
    ]);
  });

  it('HL107: a binary file is reported at its first NUL byte', () => {
    expect(brief(workspace({ 'herald.yaml': WORKSPACE, 'logo.yaml': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]) }))).toEqual([
      { code: 'HL107', file: 'logo.yaml', at: '1:5', message: 'logo.yaml looks binary (NUL byte at byte 4)' },
    ]);
  });

  it('HL108: a 50 MB file is reported from its size, without reading it', () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE });
    const big = join(dir, 'data.yaml');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 50 * 1024 * 1024); // sparse: costs no disk, and would cost 50 MB to read
    expect(brief(dir)).toEqual([
      { code: 'HL108', file: 'data.yaml', at: undefined, message: 'data.yaml is 50.0 MB; definition files are limited to 10 MB' },
    ]);
  });

  it('HL110: a broken link named like a definition file is reported, not skipped', () => {
    const dir = workspace({ 'herald.yaml': WORKSPACE });
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'link.yaml'));
    expect(brief(dir)).toEqual([
      { code: 'HL110', file: 'link.yaml', at: undefined, message: 'cannot read link.yaml: it is a broken link or vanished while loading' },
    ]);
  });

  it('.heraldignore hides files and folders; node_modules and build are never read', () => {
    const dir = workspace({
      'herald.yaml': WORKSPACE,
      '.heraldignore': 'drafts/\n*.wip.yaml\n',
      'drafts/a.yaml': ': : :',
      'b.wip.yaml': '\tbad',
      'node_modules/x/c.yaml': ': : :',
      'build/d.yaml': ': : :',
    });
    expect(brief(dir)).toEqual([]);
    expect(load(dir).files.map((f) => f.path)).toEqual(['herald.yaml']);
  });

  it('several documents per file keep their own index and positions', () => {
    const dir = workspace({ 'herald.yaml': `${WORKSPACE}---\napiVersion: herald/v1\nkind: Segment\nmetadata: { name: a }\nspec: {}\n` });
    const loaded = load(dir);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.documents.map((d) => [d.index, (d.value as { kind: string }).kind])).toEqual([
      [0, 'Workspace'],
      [1, 'Segment'],
    ]);
  });
});

describe('parseFileBytes', () => {
  const parse = (text: string) => parseFileBytes('f.yaml', '/f.yaml', Buffer.from(text));

  it('refuses absurd nesting before the parser runs out of memory', () => {
    const r = parse(`a: ${'['.repeat(MAX_NESTING + 5)}${']'.repeat(MAX_NESTING + 5)}`);
    expect(r.diagnostics.map((d) => [d.code, d.range?.start.column])).toEqual([['HL103', 4 + MAX_NESTING]]);
  });

  it('a UTF-8 byte order mark does not shift columns', () => {
    const r = parseFileBytes('f.yaml', '/f.yaml', new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('a: [1\n')]));
    // The unclosed `[` is reported where it opens: line 1, column 4 (the mark takes no column).
    expect([r.diagnostics[0]?.range?.start.line, r.diagnostics[0]?.range?.start.column]).toEqual([1, 4]);
    expect(parse('\ufeffa: 1\n').documents[0]?.value).toEqual({ a: 1 });
  });

  it('an alias without its anchor points at the alias', () => {
    const r = parse('a: &x 1\nb: *x\nc: *nope\n');
    expect(r.diagnostics.map((d) => [d.code, `${d.range?.start.line}:${d.range?.start.column}`])).toEqual([['HL103', '3:4']]);
  });

  it('a billion-laughs document is stopped', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const r = parse(lines.join('\n'));
    expect(r.documents).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['HL103']);
  });

  it('CRLF line endings keep line numbers right', () => {
    const r = parse('a: 1\r\nb: 2\r\nc: [\r\n');
    expect(r.diagnostics[0]?.range?.start.line).toBeGreaterThanOrEqual(3);
  });

  it('points an unclosed bracket or quote at where it opens, skipping comments and quoted text', () => {
    const at = (text: string) => parse(text).diagnostics.map((d) => [d.code, `${d.range?.start.line}:${d.range?.start.column}`, d.message]);
    expect(at('a:\n  include: [x, "]", y\nb: 1\n')).toEqual([
      ['HL103', '2:12', 'this `[` is never closed: the flow sequence must end with `]`'],
    ]);
    expect(at('# a [ in a comment\na: { b: [1, 2], c: 3\nd: 4\n')).toEqual([
      ['HL103', '2:4', 'this `{` is never closed: the flow mapping must end with `}`'],
    ]);
    expect(at("a: it's fine\nb: 'open\nc: 1\n")[0]?.slice(0, 2)).toEqual(['HL103', '2:4']);
  });
});
