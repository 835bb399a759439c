import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { filesUnder, REPO, schemaOf, scratch } from './support.ts';

afterAll(() => stopMjmlWorker());

const SCHEMA = join(REPO, 'schemas', 'herald.schema.json');
const FLAGS = ['--name', 'corner_shop', '--database', 'sqlite', '--timezone', 'Europe/Lisbon', '--starter', 'ecommerce'];

describe('herald init with flags (no terminal)', () => {
  it('creates a workspace that validates, passes its tests, ingests and runs (dry run)', async () => {
    const tmp = scratch();
    try {
      const dir = join(tmp.dir, 'shop');
      const init = await runCli(['init', dir, ...FLAGS], tmp.dir);
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('created workspace corner_shop in shop (e-commerce lifecycle');
      expect(init.stdout).toContain('0 errors, 0 warnings');
      const herald = readFileSync(join(dir, 'herald.yaml'), 'utf8');
      expect(herald).toContain('name: corner_shop');
      expect(herald).toContain('database: sqlite:.herald/corner_shop.db');
      expect(herald).toContain('timezone: Europe/Lisbon');
      expect(existsSync(join(dir, '.gitignore'))).toBe(true);

      const validate = await runCli(['validate', dir], tmp.dir);
      expect(validate.code).toBe(0);
      expect(validate.stdout).toContain('0 errors, 0 warnings');
      const test = await runCli(['test', dir], tmp.dir);
      expect(test.code, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/tests: (\d+) passed, 0 failed/);
      expect(Number(/tests: (\d+) passed/.exec(test.stdout)![1])).toBeGreaterThanOrEqual(4);
      const ingest = await runCli(['ingest', dir], tmp.dir);
      expect(ingest.code, ingest.stderr).toBe(0);
      expect(ingest.stdout).toContain('0 rejected');
      const run = await runCli(['run', dir, '--from', '2026-01-01', '--until', '2026-01-31', '--dry-run'], tmp.dir);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/delivery: [1-9]\d* sent/);
      const emails = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.eml'));
      expect(emails.length).toBeGreaterThan(0);
    } finally {
      tmp.dispose();
    }
  });

  it('points every YAML file it writes at the project schemas for editors', async () => {
    const tmp = scratch();
    try {
      expect((await runCli(['init', 'w', ...FLAGS], tmp.dir)).code).toBe(0);
      const yaml = filesUnder(join(tmp.dir, 'w')).filter((f) => f.endsWith('.yaml') && !f.startsWith('data/'));
      expect(yaml.length).toBeGreaterThan(8);
      for (const f of yaml) expect(schemaOf(join(tmp.dir, 'w', f)), f).toBe(SCHEMA);
    } finally {
      tmp.dispose();
    }
  });

  it('prefers herald installed in the project, and takes --schema', async () => {
    const tmp = scratch();
    try {
      const installed = join(tmp.dir, 'node_modules', 'herald', 'schemas');
      mkdirSync(installed, { recursive: true });
      writeFileSync(join(installed, 'herald.schema.json'), '{}');
      expect((await runCli(['init', 'app/shop', ...FLAGS], tmp.dir)).code).toBe(0);
      expect(readFileSync(join(tmp.dir, 'app/shop/herald.yaml'), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../../node_modules/herald/schemas/herald.schema.json',
      );
      expect(schemaOf(join(tmp.dir, 'app/shop/segments/lifecycle.yaml'))).toBe(join(installed, 'herald.schema.json'));
      expect((await runCli(['init', 'other', ...FLAGS, '--schema', 'https://schemas.example/herald.schema.json'], tmp.dir)).code).toBe(0);
      expect(readFileSync(join(tmp.dir, 'other/herald.yaml'), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=https://schemas.example/herald.schema.json',
      );
    } finally {
      tmp.dispose();
    }
  });

  it('never waits for input without a terminal: names every missing flag, writes nothing', async () => {
    const tmp = scratch();
    try {
      const r = await runCli(['init', 'shop'], tmp.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('missing --name, --database, --timezone, --starter');
      expect(r.stderr).toContain('--yes');
      expect(existsSync(join(tmp.dir, 'shop'))).toBe(false);
      const some = await runCli(['init', 'shop', '--name', 'x', '--starter', 'empty'], tmp.dir);
      expect(some.stderr).toContain('missing --database, --timezone:');
    } finally {
      tmp.dispose();
    }
  });

  it('takes the defaults with --yes (name from the folder)', async () => {
    const tmp = scratch();
    try {
      const r = await runCli(['init', 'My Shop', '--yes', '--timezone', 'UTC'], tmp.dir);
      expect(r.code, r.stderr).toBe(0);
      const herald = readFileSync(join(tmp.dir, 'My Shop', 'herald.yaml'), 'utf8');
      expect(herald).toContain('name: my_shop');
      expect(herald).toContain('database: sqlite:.herald/my_shop.db');
      expect(existsSync(join(tmp.dir, 'My Shop', 'journeys'))).toBe(true);
    } finally {
      tmp.dispose();
    }
  });

  it('checks every flag and says where and why', async () => {
    const tmp = scratch();
    try {
      const zone = await runCli(['init', 'a', ...FLAGS.slice(0, 4), '--timezone', 'Europe/Lisbn', '--starter', 'empty'], tmp.dir);
      expect(zone.code).toBe(2);
      expect(zone.stderr).toContain('--timezone: "Europe/Lisbn" is not an IANA time zone; did you mean "Europe/Lisbon"?');
      const name = await runCli(
        ['init', 'a', '--name', 'Corner Shop', '--database', 'sqlite', '--timezone', 'UTC', '--starter', 'empty'],
        tmp.dir,
      );
      expect(name.stderr).toContain('--name: "Corner Shop" is not snake_case');
      expect(name.stderr).toContain('try "corner_shop"');
      const pack = await runCli(['init', 'a', '--name', 'a', '--database', 'sqlite', '--timezone', 'UTC', '--starter', 'retail'], tmp.dir);
      expect(pack.stderr).toContain('--starter must be one of ecommerce, empty (got "retail")');
      const db = await runCli(
        ['init', 'a', '--name', 'a', '--database', 'mysql://x/y', '--timezone', 'UTC', '--starter', 'empty'],
        tmp.dir,
      );
      expect(db.stderr).toContain('--database: unsupported database URL');
      expect(existsSync(join(tmp.dir, 'a'))).toBe(false);
    } finally {
      tmp.dispose();
    }
  });

  it('keeps a PostgreSQL password out of herald.yaml', async () => {
    const tmp = scratch();
    try {
      const r = await runCli(
        [
          'init',
          'pg',
          '--name',
          'pg',
          '--database',
          'postgres://shop:s3cret@db.internal:5432/shop',
          '--timezone',
          'UTC',
          '--starter',
          'empty',
        ],
        tmp.dir,
      );
      expect(r.code, r.stderr).toBe(0);
      const herald = readFileSync(join(tmp.dir, 'pg', 'herald.yaml'), 'utf8');
      expect(herald).toContain('database: postgres://shop@db.internal:5432/shop');
      expect(herald).not.toContain('s3cret');
      expect(r.stdout).toContain('PGPASSWORD');
    } finally {
      tmp.dispose();
    }
  });

  it('refuses a folder that already holds a workspace, and a crowded one without --force', async () => {
    const tmp = scratch();
    try {
      expect((await runCli(['init', 'w', ...FLAGS], tmp.dir)).code).toBe(0);
      const again = await runCli(['init', 'w', ...FLAGS], tmp.dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already holds a workspace');
      mkdirSync(join(tmp.dir, 'busy'));
      writeFileSync(join(tmp.dir, 'busy', 'notes.txt'), 'keep me');
      writeFileSync(join(tmp.dir, 'busy', 'README.md'), 'mine');
      const crowded = await runCli(['init', 'busy', ...FLAGS], tmp.dir);
      expect(crowded.code).toBe(2);
      expect(crowded.stderr).toContain('missing --force');
      // --force adds the workspace, but never overwrites: README.md is the pack's too, so it refuses.
      const forced = await runCli(['init', 'busy', ...FLAGS, '--force'], tmp.dir);
      expect(forced.code).toBe(2);
      expect(forced.stderr).toContain('refusing to overwrite README.md');
      expect(existsSync(join(tmp.dir, 'busy', 'herald.yaml'))).toBe(false);
      const emptyPack = await runCli(['init', 'busy', ...FLAGS.slice(0, 6), '--starter', 'empty', '--force'], tmp.dir);
      expect(emptyPack.code, emptyPack.stderr).toBe(0);
      expect(readFileSync(join(tmp.dir, 'busy', 'notes.txt'), 'utf8')).toBe('keep me');
    } finally {
      tmp.dispose();
    }
  });

  it('creates an empty workspace that validates and runs', async () => {
    const tmp = scratch();
    try {
      expect(
        (await runCli(['init', 'e', '--name', 'e', '--database', 'sqlite', '--timezone', 'UTC', '--starter', 'empty'], tmp.dir)).code,
      ).toBe(0);
      expect(filesUnder(join(tmp.dir, 'e'))).toEqual(['.gitignore', 'herald.yaml']);
      expect((await runCli(['validate', 'e'], tmp.dir)).code).toBe(0);
      expect((await runCli(['test', 'e'], tmp.dir)).code).toBe(0);
      const run = await runCli(['run', 'e', '--until', '2026-01-31', '--dry-run'], tmp.dir);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      tmp.dispose();
    }
  });
});
