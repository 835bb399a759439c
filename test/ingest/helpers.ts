import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import type { Database } from '../../runtime/db/database.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ingest');
export const REPO = join(import.meta.dirname, '..', '..');

/** A throwaway directory, removed when the test file ends. */
export function tempDir(prefix = 'herald-ingest-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies folders into a fresh workspace directory (later ones win). */
export function workspaceFrom(...folders: string[]): string {
  const dir = tempDir();
  for (const f of folders) cpSync(f, dir, { recursive: true });
  return dir;
}

/** Compiles a workspace; fails the test with the diagnostics when it has errors. */
export function compile(dir: string): Manifest {
  const result = runPipeline(dir, { emit: true });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.file}:${d.range?.start.line}: ${d.code} ${d.message}`)).toEqual([]);
  return result.emitted!.manifest as Manifest;
}

/** Opens a database by URL, migrated and synced with the manifest's data model. */
export async function prepared(url: string, manifest: Manifest): Promise<Database> {
  const db = openDatabase(url);
  await migrate(db);
  await syncSchema(db, manifest.dataModel);
  return db;
}

/** A migrated, synced SQLite database in a temp folder. */
export async function sqliteFor(manifest: Manifest): Promise<{ db: Database; url: string }> {
  const url = `sqlite:${join(tempDir('herald-ingest-db-'), 'test.db')}`;
  const db = await prepared(url, manifest);
  afterAll(() => db.close());
  return { db, url };
}

/** Runs one SQL count. */
export async function count(db: Database, table: string, where?: (qb: any) => any): Promise<number> {
  let q = db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (where) q = where(q);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
