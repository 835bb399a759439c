import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAsOf, chooseDatabase, chooseDatabaseOf } from '../../cli/workspace-runtime.ts';
import { runPipeline } from '../../compiler/index.ts';
import { UsageError } from '../../cli/command.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { herald, workspace, HERALD_YAML } from './cli-helpers.ts';

const QUICKSTART = join(import.meta.dirname, '..', '..', 'examples', 'quickstart');

describe('--as-of', () => {
  const now = () => 1_700_000_000_000;
  it('accepts now, ISO dates (midnight UTC) and timestamps with or without a zone', () => {
    expect(parseAsOf(undefined, now)).toBe(1_700_000_000_000);
    expect(parseAsOf('now', now)).toBe(1_700_000_000_000);
    expect(parseAsOf('2011-12-09')).toBe(Date.UTC(2011, 11, 9));
    expect(parseAsOf('2011-12-09T12:00Z')).toBe(Date.UTC(2011, 11, 9, 12));
    expect(parseAsOf('2011-12-09T12:00')).toBe(Date.UTC(2011, 11, 9, 12));
    expect(parseAsOf('2011-12-09T12:00:30.5Z')).toBe(Date.UTC(2011, 11, 9, 12, 0, 30, 500));
    expect(parseAsOf('2011-12-09T12:00+01:00')).toBe(Date.UTC(2011, 11, 9, 11));
    expect(parseAsOf('2011-12-09T12:00-0530')).toBe(Date.UTC(2011, 11, 9, 17, 30));
  });

  it('rejects anything else as a usage error naming the flag', () => {
    for (const bad of ['yesterday', '2011-02-30', '2011-13-01', '2011-12-09T25:00Z', '12/09/2011', '']) {
      expect(() => parseAsOf(bad)).toThrow(UsageError);
      expect(() => parseAsOf(bad)).toThrow(/--as-of/);
    }
  });
});

describe('choosing the database', () => {
  /** The quickstart compiled with its `database` line replaced (or removed). */
  const compiled = (databaseLine: string): Manifest => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-db-choice-'));
    cpSync(QUICKSTART, dir, { recursive: true });
    const yaml = readFileSync(join(dir, 'herald.yaml'), 'utf8').replace(/^  database: .*\n/m, databaseLine);
    writeFileSync(join(dir, 'herald.yaml'), yaml);
    const manifest = runPipeline(dir, { emit: true }).emitted?.manifest;
    rmSync(dir, { recursive: true, force: true });
    if (!manifest) throw new Error('the quickstart did not compile');
    return manifest;
  };
  it('prefers --db, then HERALD_DATABASE_URL, then herald.yaml', () => {
    const manifest = compiled('  database: sqlite:from-yaml.db\n');
    expect(chooseDatabase('sqlite:flag.db', { HERALD_DATABASE_URL: 'sqlite:env.db' }, manifest)).toEqual({
      url: 'sqlite:flag.db',
      origin: '--db',
    });
    expect(chooseDatabase(undefined, { HERALD_DATABASE_URL: 'sqlite:env.db' }, manifest)).toEqual({
      url: 'sqlite:env.db',
      origin: 'HERALD_DATABASE_URL',
    });
    expect(chooseDatabase(undefined, {}, manifest)).toEqual({ url: 'sqlite:from-yaml.db', origin: 'herald.yaml' });
  });
  it('defaults to a SQLite file named after the workspace, the same before and after compiling', () => {
    const manifest = compiled('');
    expect(chooseDatabase(undefined, {}, manifest)).toEqual({ url: 'sqlite:.herald/quickstart.db', origin: 'default' });
    expect(chooseDatabaseOf(undefined, {}, undefined, 'quickstart')).toEqual(chooseDatabase(undefined, {}, manifest));
    const bare = { metadata: { workspace: 'shop' }, definitions: {} } as unknown as Manifest;
    expect(chooseDatabase(undefined, {}, bare)).toEqual({ url: 'sqlite:.herald/shop.db', origin: 'default' });
  });
});

describe('runtime commands: usage and workspace errors', () => {
  it('a bad --as-of exits 2 naming the flag', async () => {
    const r = await herald(['segments', '.', '--as-of', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as-of "soon" is not a time');
  });

  it('a bad --db exits 2 and never prints the password', async () => {
    const dir = workspace({ 'herald.yaml': HERALD_YAML });
    const r = await herald(['segments', dir, '--db', 'mysql://u:secret@h/db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--db: unsupported database URL');
    expect(r.stderr).not.toContain('secret');
    rmSync(dir, { recursive: true, force: true });
  });

  it('explain without a customer is a usage error', async () => {
    const r = await herald(['explain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('which customer?');
  });

  it('a workspace with errors exits 1 and opens no database', async () => {
    const dir = workspace({ 'herald.yaml': HERALD_YAML.replace('country: string', 'country: strng') });
    const r = await herald(['segments', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[');
    expect(existsSync(join(dir, '.herald'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unknown customer exits 1 with a clear message', async () => {
    const dir = workspace({ 'herald.yaml': HERALD_YAML });
    const r = await herald(['explain', 'c_404', dir]);
    expect(r.stderr).toContain('no customer "c_404" in the database');
    expect(r.code).toBe(1);
    // The workspace's own database was created on first use, relative to the workspace.
    expect(existsSync(join(dir, '.herald', 'cli.db'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
