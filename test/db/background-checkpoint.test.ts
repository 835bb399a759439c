import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints } from '../../runtime/db/background-checkpoint.ts';
import { openDatabase } from '../../runtime/db/open.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('background checkpoints (SQLite, herald serve)', () => {
  it('copies committed pages into the database file from the worker, not from the committing connection', async () => {
    const file = join(dir, 'a.db');
    const db = openDatabase(`sqlite:${file}`);
    const raw = db.sqlite!;
    raw.exec('create table t (id integer primary key, body text)');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    const before = Number(raw.pragma('wal_autocheckpoint', { simple: true }));
    const problems: string[] = [];
    const checkpoints = startBackgroundCheckpoints(db, (m) => problems.push(m))!;
    expect(checkpoints).toBeDefined();
    // The connection's own checkpoint is only a backstop now, far above what is written here.
    expect(Number(raw.pragma('wal_autocheckpoint', { simple: true }))).toBeGreaterThanOrEqual(65_536);
    const sizeBefore = statSync(file).size;
    const insert = raw.prepare('insert into t (body) values (?)');
    for (let commit = 0; commit < 20; commit++)
      raw.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run('x'.repeat(400));
      })();
    // About 225 pages sit in the log (under any automatic checkpoint's threshold); only a
    // checkpoint puts them into the file itself.
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < sizeBefore + 150 * 4096 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(file).size).toBeGreaterThanOrEqual(sizeBefore + 150 * 4096);
    await checkpoints.stop();
    expect(Number(raw.pragma('wal_autocheckpoint', { simple: true }))).toBe(before);
    expect(raw.prepare('select count(*) as n from t').get()).toEqual({ n: 2_000 });
    expect(problems).toEqual([]);
    await db.close();
  });

  it('stays out of the way where there is no log to copy (an in-memory database)', async () => {
    const db = openDatabase('sqlite::memory:');
    expect(startBackgroundCheckpoints(db, () => undefined)).toBeUndefined();
    await db.close();
  });
});
