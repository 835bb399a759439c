import { join } from 'node:path';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { openDatabase } from '../../../runtime/db/open.ts';
import { migrate } from '../../../runtime/db/migrate.ts';
import { syncSchema } from '../../../runtime/db/sync.ts';
import { traitTableSpecs } from '../../../runtime/manifest.ts';
import { ingestWorkspace, manifestSources } from '../../../runtime/ingest/workspace.ts';
import type { IngestSummary } from '../../../runtime/ingest/summary.ts';

export interface SampleDatabase {
  db: Database;
  summary: IngestSummary;
}

/**
 * The sample data a workspace ships, as a database: the head's Sources loaded from the files in
 * the workspace (their `files` patterns, as `herald ingest` would) into a throwaway SQLite file in
 * `tmpDir`. Undefined when the workspace has no Source. A file that is missing or fails to load is
 * reported in the summary; the rest still loads.
 */
export async function openSampleDatabase(head: Manifest, headRoot: string, tmpDir: string): Promise<SampleDatabase | undefined> {
  if (manifestSources(head).length === 0) return undefined;
  const db = openDatabase(`sqlite:${join(tmpDir, 'sample.db')}`);
  try {
    await migrate(db);
    await syncSchema(db, head.dataModel, traitTableSpecs(head));
    const summary = await ingestWorkspace({ db, manifest: head, root: headRoot });
    return { db, summary };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** The latest event's instant: what "now" is for static sample data. */
export async function latestEventAt(db: Database): Promise<number | undefined> {
  const row = await db.kysely.selectFrom('events').select((eb) => eb.fn.max('at').as('at')).executeTakeFirst();
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}
