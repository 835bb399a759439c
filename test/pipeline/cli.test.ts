import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands, loadAllCommands } from '../../cli/commands/index.ts';
import { runCli } from './run-cli.ts';
import { ensureBuilt } from '../support/built-cli.ts';
import { exitCodeOf } from '../../cli/failure.ts';
import { UsageError } from '../../cli/command.ts';
import { parseOptions } from '../../cli/options.ts';
import { HeraldError } from '../../compiler/contract/errors.ts';

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

  it("each command's help and parser come from one option table: every option listed, every one accepted", async () => {
    for (const c of await loadAllCommands()) {
      for (const [name, def] of Object.entries(c.options)) {
        if (!def.hidden) expect(c.usage, `herald ${c.name} --help lists --${name}`).toMatch(new RegExp(`^  (-\\w, )?--${name}\\b`, 'm'));
        const takesValue = def.arg !== undefined || def.values !== undefined;
        const parsed = parseOptions([`--${name}`, ...(takesValue ? [def.values?.[0] ?? 'x'] : [])], c.options);
        expect((parsed.values as Record<string, unknown>)[name], `herald ${c.name} accepts --${name}`).toEqual(
          takesValue ? (def.multiple ? [def.values?.[0] ?? 'x'] : (def.values?.[0] ?? 'x')) : true,
        );
      }
      expect(() => parseOptions(['--no-such-option'], c.options)).toThrow(UsageError);
    }
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

  it('2 with a clear message and no stack trace when dist/ is missing or out of date', () => {
    // bin/herald.js copied into a checkout of its own: first without dist/, then with a dist/
    // built from older sources (its entry imports a module that was never built).
    const checkout = mkdtempSync(join(tmpdir(), 'herald-unbuilt-'));
    try {
      mkdirSync(join(checkout, 'bin'));
      copyFileSync(join(ROOT, 'bin', 'herald.js'), join(checkout, 'bin', 'herald.js'));
      const run = () =>
        spawnSync(process.execPath, [join(checkout, 'bin', 'herald.js'), 'validate', '.'], { cwd: checkout, encoding: 'utf8' });
      const missing = run();
      expect(missing.status).toBe(2);
      expect(missing.stderr).toBe('herald: dist/ is missing; run `npm run build` in the Herald checkout first\n');
      mkdirSync(join(checkout, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(checkout, 'dist', 'cli', 'bin.js'), "import './main.js';\n");
      const stale = run();
      expect(stale.status).toBe(2);
      expect(stale.stderr).toBe('herald: dist/ is out of date (it lacks cli/main.js); run `npm run build` in the Herald checkout first\n');
      // A missing package is not a build problem: that error is shown as it is.
      writeFileSync(join(checkout, 'dist', 'cli', 'bin.js'), "import 'herald-no-such-package';\n");
      expect(run().stderr).toContain("Cannot find package 'herald-no-such-package'");
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('maps a user-facing error to its own exit code and anything else to an internal error with its stack', () => {
    const io = () => {
      let text = '';
      const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
      return { io: { stdout: stream, stderr: stream, cwd: ROOT, env: {} }, text: () => text };
    };
    const known = io();
    expect(
      exitCodeOf('run', new HeraldError('journeys ran past --until', 1, { code: 'HL512', help: 'use a later --until' }), known.io),
    ).toBe(1);
    expect(known.text()).toBe('herald run: error[HL512]: journeys ran past --until\n  help: use a later --until\n');
    const usage = io();
    expect(exitCodeOf('validate', new UsageError('expected one folder'), usage.io)).toBe(2);
    expect(usage.text()).toBe('herald validate: expected one folder\n');
    const bug = io();
    expect(exitCodeOf('render', new TypeError('x is undefined'), bug.io)).toBe(2);
    expect(bug.text()).toMatch(/^herald render: internal error\nTypeError: x is undefined\n\s+at /);
    const internal = io();
    expect(exitCodeOf('plan', new HeraldError('a broken invariant', 1, { userFacing: false }), internal.io)).toBe(2);
    expect(internal.text()).toMatch(/internal error\nHeraldError: a broken invariant\n\s+at /);
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
