/**
 * The package as published: `npm pack` makes a tarball that, unpacked into an empty folder's
 * node_modules beside its dependencies (linked from this checkout's install, so the test needs no
 * network), runs `herald validate` from compiled JavaScript alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/built-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'herald-packed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('installs into an empty folder and runs herald validate there, without TypeScript', () => {
    ensureBuilt();
    // `prepare` already ran through ensureBuilt; do not build a second time inside npm pack.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }),
    );
    const files = (packed[0].files as Array<{ path: string }>).map((f) => f.path);
    expect(files).toContain('dist/cli/bin.js');
    expect(files).toContain('dist/schemas/manifest.schema.json');
    // The schemas' validators, compiled at build time: herald validate never compiles them at start.
    expect(files).toContain('dist/compiler/2-validate/precompiled-schemas.cjs');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('bench/'))).toBe(false);

    const project = join(work, 'project');
    const installed = join(project, 'node_modules', 'herald');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, packed[0].filename), '-C', installed, '--strip-components=1']);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    // Only its dependencies are installed beside it: no TypeScript loader or bundler among them.
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('esbuild');
    for (const dep of Object.keys(pkg.dependencies)) {
      const target = join(project, 'node_modules', dep);
      mkdirSync(join(target, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), target, 'dir');
    }
    mkdirSync(join(project, 'node_modules', '.bin'));
    symlinkSync(join('..', 'herald', pkg.bin.herald), join(project, 'node_modules', '.bin', 'herald'));
    cpSync(join(ROOT, 'examples', 'quickstart'), join(project, 'workspace'), { recursive: true });

    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(project, 'node_modules', '.bin', 'herald'), ...args], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    const version = run('--version');
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const validate = run('validate', 'workspace');
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('0 errors');
    const broken = run('validate', 'no/such/folder');
    expect(broken.status).toBe(2);
    expect(broken.stdout + broken.stderr).toContain('HL101');
  }, 240_000);
});
