import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands, loadAllCommands } from '../../cli/commands/index.ts';
import { runCli } from './run-cli.ts';
import { ensureBuilt } from '../support/built-cli.ts';

/**
 * The command line as a whole: every command answers --help, the exit codes of the design
 * (0 ok, 1 errors in the definitions, 2 usage), and every shipped workspace validates cleanly.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');
// Every example workspace (a folder with a herald.yaml; others hold, e.g., a CI workflow to copy).
const examples = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'herald.yaml')));

describe('herald --help', () => {
  it('lists every command of the table', async () => {
    const r = await runCli(['--help'], ROOT);
    expect(r.code).toBe(0);
    for (const c of await loadAllCommands()) expect(r.stdout).toMatch(new RegExp(`^  ${c.name} +${escape(c.summary)}$`, 'm'));
    expect(r.stdout).toContain('exit codes: 0 ok, 1 the definitions or data have errors, 2 usage or internal error');
  });

  it('with no command prints the help and exits 2', async () => {
    const r = await runCli([], ROOT);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('usage: herald <command>');
  });

  for (const c of commands) {
    it(`herald ${c.name} --help prints its usage and exits 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await runCli([c.name, flag], ROOT);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.startsWith(`herald ${c.name}`), r.stdout).toBe(true);
        expect(r.stderr).toBe('');
      }
    });
  }
});

describe('exit codes', () => {
  it('2 for an unknown command, with the closest one suggested', async () => {
    const r = await runCli(['valdate', '.'], ROOT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "valdate"; did you mean "validate"?');
  });

  it('2 for a command that is not built yet, saying so', async () => {
    let unbuilt = 0;
    for (const c of commands) {
      // Their own help says so; only those are run (the others would do real work here).
      if (!(await runCli([c.name, '--help'], ROOT)).stdout.includes('(not built yet)')) continue;
      unbuilt++;
      const r = await runCli([c.name], ROOT);
      expect(r.code, c.name).toBe(2);
      expect(r.stderr, c.name).toContain(`herald ${c.name}: this command is not built yet`);
    }
    process.stdout.write(`commands not built yet: ${unbuilt} of ${commands.length}\n`);
  });

  it('2 for an unknown option, naming it', async () => {
    const r = await runCli(['validate', '.', '--fromat', 'json'], ROOT);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fromat/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('shipped workspaces', () => {
  for (const name of examples) {
    it(`herald validate examples/${name} exits 0 with no errors`, async () => {
      const r = await runCli(['validate', join('examples', name), '--format', 'json'], ROOT);
      const doc = JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; severity: string; message: string }> };
      expect(doc.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(r.code).toBe(0);
    });
  }

  it('herald validate campaigns (the flagship) exits 0 with no errors', async () => {
    const r = await runCli(['validate', 'campaigns', '--format', 'json'], ROOT);
    const doc = JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; severity: string; message: string }> };
    expect(doc.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the bin entry runs as a real process: 0 clean, 1 errors, 2 no workspace', async () => {
    ensureBuilt();
    const exec = promisify(execFile);
    const herald = async (...args: string[]) => {
      try {
        const { stdout } = await exec(process.execPath, [join(ROOT, 'bin', 'herald.js'), ...args], { cwd: ROOT });
        return { code: 0, stdout };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, stdout: err.stdout + err.stderr };
      }
    };
    const [clean, broken, missing] = await Promise.all([
      herald('validate', 'examples/quickstart'),
      herald('validate', 'test/fixtures/pipeline/planted-mistakes/input'),
      herald('validate', 'no/such/folder'),
    ]);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toContain('0 errors');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('10 errors');
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('HL101');
    expect(missing.stdout).not.toMatch(/\n\s+at /);
  }, 180_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
