import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { explainCodeCommand } from '../../cli/commands/explain-code.ts';
import { catalogue } from '../../compiler/diagnostics/catalogue/index.ts';
import { loadCodes } from '../../compiler/diagnostics/catalogue/load.ts';
import { validateCodes } from '../../compiler/diagnostics/catalogue/validate.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _e, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await explainCodeCommand.run(argv, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    cwd: '.',
    env: {},
  });
  return { code, stdout, stderr };
}

describe('herald explain-code', () => {
  it('prints the long explanation', async () => {
    const r = await run(['HL205']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('HL205: unknown key (error)\n\n')).toBe(true);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(catalogue.get('HL205')!.explanation.replace(/\s+/g, ' '));
  });

  it('accepts lower case and a bare number', async () => {
    expect((await run(['hl102'])).stdout).toContain('HL102: missing herald.yaml');
    expect((await run(['204'])).stdout).toContain('HL204: unknown kind');
  });

  it('suggests the closest code for an unknown one and exits 2', async () => {
    const r = await run(['HL2055']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown code "HL2055"; did you mean HL205?');
  });

  it('--list lists every code once', async () => {
    const r = await run(['--list']);
    const codes = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]);
    expect(codes).toEqual([...catalogue.keys()].sort());
  });

  it('every load and validate code has a title and a real explanation', () => {
    for (const e of [...loadCodes, ...validateCodes]) {
      expect(e.title.length, e.code).toBeGreaterThan(3);
      expect(e.explanation.length, e.code).toBeGreaterThan(60);
    }
  });
});
