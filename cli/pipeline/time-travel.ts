import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../../runtime/db/database.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { rewindSegments } from '../../runtime/segments/rewind.ts';
import { openRolledBackSession } from '../plan/data/session.ts';

/**
 * The main job with `--as-of` looks at another instant: it must not rewrite the database's
 * timeline (segment memberships, scores, model versions as of the end of the data), or the next
 * plain run would be refused as "going back before the last one". So everything after the ingest
 * step works on a scratch copy: on SQLite a copy of the file (VACUUM INTO a temporary folder), on
 * PostgreSQL one session that is rolled back at the end, as `herald plan` does. On it the segment
 * timeline is rewound to the instant looked at. Loading data is not
 * time travel: ingest still writes to the real database. Model reports go to the scratch folder too.
 */
export interface TimeTravel {
  db: Database;
  /** A throwaway folder for files the steps write beside the database (model reports). */
  dir: string;
  close(): Promise<void>;
}

export async function openTimeTravel(db: Database, asOf: number): Promise<TimeTravel> {
  const travel = await scratchOf(db);
  try {
    // On the copy, the segment timeline goes back to the instant looked at (never on the real one).
    await rewindSegments(travel.db, asOf);
    return travel;
  } catch (e) {
    await travel.close();
    throw e;
  }
}

async function scratchOf(db: Database): Promise<TimeTravel> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-as-of-'));
  try {
    if (db.dialect === 'sqlite') {
      const path = join(dir, 'as-of.db');
      await sql`vacuum into ${path}`.execute(db.kysely);
      const copy = openDatabase(`sqlite:${path}`);
      const scratch: Database = { ...copy, description: `${db.description} (a scratch copy for --as-of)` };
      return {
        db: scratch,
        dir,
        async close() {
          await copy.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    const { session, end } = await openRolledBackSession(db);
    return {
      db: { ...session, description: `${db.description} (a rolled-back session for --as-of)` },
      dir,
      async close() {
        await end();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
