import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Database } from '../../runtime/db/database.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { forEachDialect } from '../support/postgres.ts';
import { REPO, compile, count, prepared, tempDir } from './helpers.ts';
import { retailFiles, retailWorkspace } from './online-retail.ts';

/**
 * Two ingests of the same workspace into the same database at once (real processes). The first
 * is held inside its second file's transaction until the second ingest has started and met the
 * lock; then both finish. Whatever the order, the database must end exactly as after one
 * uninterrupted ingest: no duplicate_event rejects from loading a file twice, no file recorded
 * as loaded with 0 rows. SQLite refuses the second ingest with a clear message (one writer);
 * PostgreSQL makes it wait for the Source's advisory lock, after which it skips the loaded files.
 */
const FILES = retailFiles().slice(0, 3);

interface Child {
  process: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
  waitFor(text: string): Promise<void>;
}

function start(dir: string, url: string, env: Record<string, string> = {}): Child {
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin', 'run-ts.js'), join(import.meta.dirname, 'support', 'ingest-child.ts'), dir, url],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) (out.includes(w.text) ? w.resolve : () => waiters.push(w))();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== 3) console.error(err);
  });
  return {
    process: child,
    out: () => out,
    exited,
    waitFor: (text) => (out.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
  };
}

async function snapshot(db: Database) {
  const k = db.kysely;
  const n = (table: string) => count(db, table);
  const files = await k.selectFrom('herald_ingested_files').select(['path', 'rows', 'loaded', 'rejected']).orderBy('path').execute();
  const reasons = await k
    .selectFrom('ingest_rejects')
    .select(['reason', (eb) => eb.fn.countAll().as('n')])
    .groupBy('reason')
    .orderBy('reason')
    .execute();
  return {
    events: await n('events'),
    customers: await n('customers'),
    files: files.map((f) => ({ path: f.path, rows: Number(f.rows), loaded: Number(f.loaded), rejected: Number(f.rejected) })),
    rejects: Object.fromEntries(reasons.map((r) => [r.reason, Number(r.n)])),
  };
}

forEachDialect('two ingests at once', (ctx) => {
  it('end as one ingest would: no bogus duplicate_event rejects, no file recorded with 0 rows', async () => {
    const dir = retailWorkspace(tempDir(), FILES);
    const manifest = compile(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

    const referenceDb = await prepared(await ctx.freshUrl(), manifest);
    await ingestWorkspace({ db: referenceDb, manifest, root: dir });
    const reference = await snapshot(referenceDb);
    await referenceDb.close();
    expect(reference.files).toHaveLength(FILES.length);
    for (const f of reference.files) expect(f.loaded).toBeGreaterThan(0);

    const url = await ctx.freshUrl();
    const release = join(tempDir(), 'release');
    const first = start(dir, url, { PAUSE_IN: FILES[1]!, RELEASE_FILE: release });
    await first.waitFor(`ROWS data/online-retail/${FILES[1]}`);
    const second = start(dir, url);
    await second.waitFor('READY');
    // The second ingest meets the lock (refused on SQLite, waiting on PostgreSQL); without one it
    // would be blocked on the first one's open transaction: release the first after a while anyway.
    await Promise.race([second.waitFor('BUSY'), second.waitFor('WAITING'), second.exited, new Promise((r) => setTimeout(r, 1500))]);
    writeFileSync(release, '');
    const [firstCode, secondCode] = await Promise.all([first.exited, second.exited]);
    expect(firstCode).toBe(0);
    if (ctx.dialect === 'sqlite') {
      expect(second.out()).toMatch(/BUSY another ingest is running on sqlite:.*test\.db/);
      expect(secondCode).toBe(3);
      // Run again once the first is done: everything is loaded already.
      expect(await start(dir, url).exited).toBe(0);
    } else {
      expect(second.out()).toContain('WAITING online_retail');
      expect(secondCode).toBe(0);
    }

    const db = openDatabase(url);
    try {
      expect(await snapshot(db)).toEqual(reference);
    } finally {
      await db.close();
    }
  }, 60_000);
});
