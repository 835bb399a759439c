import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database } from '../../runtime/db/database.ts';
import { REPO, compile, count, tempDir } from './helpers.ts';
import { retailFiles, retailWorkspace } from './online-retail.ts';
import { forEachDialect } from '../support/postgres.ts';

const BIG = 'data/online-retail/2010-12-zz-big.csv';

/** A workspace with one ordinary daily file and, loading after it, one big file (several days). */
function workspace(): string {
  const files = retailFiles();
  const dir = retailWorkspace(tempDir(), [files[0]!]);
  const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n';
  const bodies = files.slice(1, 4).map((f) =>
    readFileSync(join(REPO, 'campaigns', 'data', 'online-retail', f), 'utf8')
      .split('\n')
      .slice(1)
      .join('\n'),
  );
  writeFileSync(join(dir, BIG), header + bodies.map((b) => (b.endsWith('\n') ? b : `${b}\n`)).join(''));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(compile(dir)));
  return dir;
}

/** Runs the child; with `killAfterRowsOf`, SIGKILLs it once it reports rows of that file. */
function runChild(
  dir: string,
  url: string,
  killAfterRowsOf?: string,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(REPO, 'bin', 'run-ts.js'), join(import.meta.dirname, 'support', 'ingest-child.ts'), dir, url],
      {
        env: { ...process.env, ...(killAfterRowsOf ? { PAUSE_IN: killAfterRowsOf } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterRowsOf && out.includes(`ROWS ${killAfterRowsOf}`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ code, signal, out });
    });
  });
}

async function snapshot(db: Database) {
  const k = db.kysely;
  const n = (table: string) => count(db, table);
  const files = await k.selectFrom('herald_ingested_files').select(['path', 'rows', 'loaded', 'rejected']).orderBy('path').execute();
  const bySource = await k
    .selectFrom('events')
    .select(['source', (eb) => eb.fn.countAll().as('n')])
    .groupBy('source')
    .orderBy('source')
    .execute();
  return {
    events: await n('events'),
    rejects: await n('ingest_rejects'),
    customers: await n('customers'),
    items: await n('items'),
    files: files.map((f) => ({ path: f.path, rows: Number(f.rows), loaded: Number(f.loaded), rejected: Number(f.rejected) })),
    bySource: bySource.map((s) => ({ source: s.source, n: Number(s.n) })),
  };
}

forEachDialect('ingest killed in the middle of a file', (ctx) => {
  it('leaves the database as before that file, and a rerun completes it without duplicates', async () => {
    const dir = workspace();
    // Reference: the same workspace loaded in one uninterrupted run.
    const cleanUrl = await ctx.freshUrl();
    await runChild(dir, cleanUrl);
    const clean = openDatabase(cleanUrl);
    const complete = await snapshot(clean);
    await clean.close();
    expect(complete.files.map((f) => f.path)).toEqual(['data/online-retail/2010-12-01.csv', BIG]);

    const url = await ctx.freshUrl();
    const killed = await runChild(dir, url, BIG);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.out).not.toContain('DONE');

    const db = openDatabase(url);
    try {
      const after = await snapshot(db);
      // Only the first file is there, complete; nothing of the big file's open transaction.
      expect(after.files).toEqual([complete.files[0]]);
      expect(after.bySource).toEqual([complete.bySource.find((s) => s.source === 'online_retail:data/online-retail/2010-12-01.csv')]);
      expect(after.rejects).toBe(complete.files[0]!.rejected);
    } finally {
      await db.close();
    }

    const rerun = await runChild(dir, url);
    expect(rerun.out).toContain('DONE');
    const db2 = openDatabase(url);
    try {
      expect(await snapshot(db2)).toEqual(complete);
    } finally {
      await db2.close();
    }
  });
});
