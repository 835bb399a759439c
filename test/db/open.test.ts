import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachDialect } from '../support/postgres.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { parseDatabaseUrl, redactUrl, DatabaseUrlError } from '../../runtime/db/url.ts';

describe('database URLs', () => {
  it('resolves a relative sqlite path against the workspace', () => {
    expect(parseDatabaseUrl('sqlite:.herald/acme.db', '/ws')).toEqual({ dialect: 'sqlite', path: '/ws/.herald/acme.db' });
    expect(parseDatabaseUrl('sqlite:/abs/x.db', '/ws')).toEqual({ dialect: 'sqlite', path: '/abs/x.db' });
    expect(parseDatabaseUrl('sqlite:///abs/x.db', '/ws')).toEqual({ dialect: 'sqlite', path: '/abs/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:', '/ws')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgres://u@h/db', '/ws')).toEqual({ dialect: 'postgres', url: 'postgres://u@h/db' });
  });

  it('rejects other schemes with a clear message, and never prints the password', () => {
    expect(() => parseDatabaseUrl('mysql://u:secret@h/db', '/ws')).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl('mysql://u:secret@h/db', '/ws')).toThrow(/unsupported database URL "mysql:\/\/u:\*\*\*@h\/db"/);
    expect(() => parseDatabaseUrl('sqlite:', '/ws')).toThrow(/names no file/);
    expect(redactUrl('postgres://herald:pw@127.0.0.1:5432/x')).toBe('postgres://herald:***@127.0.0.1:5432/x');
  });
});

describe('opening SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file and its folder on first use, in WAL mode', async () => {
    const db = openDatabase('sqlite:nested/deeper/h.db', { baseDir: dir });
    await migrate(db);
    expect(existsSync(join(dir, 'nested/deeper/h.db'))).toBe(true);
    expect(db.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    await db.close();
  });
});

/** Strings whose case mapping differs between ASCII-only, simple and full Unicode folding. */
const TRICKY = ['Straße', 'ΣΑΣ ΟΔΟΣ', 'İstanbul', 'ÀÉÎÕÜ', 'ǅungla', 'ﬁne', 'ΐ', 'plain ASCII', '', 'Ǆ'];

forEachDialect('case functions', (ctx) => {
  it('herald_lower/herald_upper agree with JavaScript on Unicode', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    for (const s of TRICKY) {
      const { rows } = await sql<{ lo: string; up: string }>`select herald_lower(${s}) as lo, herald_upper(${s}) as up`.execute(db.kysely);
      expect({ s, lo: rows[0]!.lo, up: rows[0]!.up }).toEqual({ s, lo: s.toLowerCase(), up: s.toUpperCase() });
    }
  });

  it('map null to null', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    const { rows } = await sql<{ lo: unknown }>`select herald_lower(null) as lo`.execute(db.kysely);
    expect(rows[0]!.lo).toBeNull();
  });
});
