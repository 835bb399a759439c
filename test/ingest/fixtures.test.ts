import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { FIXTURES, compile, count, sqliteFor, workspaceFrom } from './helpers.ts';

/**
 * Bad-input fixtures: test/fixtures/ingest/<case>/input.csv (absent for missing-file) run in the
 * shared workspace _workspace/, and expected.json says what must happen: the file's status, rows
 * read and loaded, and exactly which lines were rejected with which reason (the rest still loads).
 * UPDATE_SNAPSHOTS=1 rewrites expected.json from the current behaviour (review the diff!).
 */
const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
  .map((e) => e.name)
  .sort();

interface Expected {
  status: string;
  rows: number;
  accepted: number;
  events: number;
  rejects: Array<{ line: number; reason: string }>;
  message?: string;
  /** Extra checks on stored values: SQL-free, by table → rows (subset match on the listed columns). */
  stored?: Record<string, Array<Record<string, unknown>>>;
}

describe('bad input fixtures', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(12));

  for (const name of cases) {
    it(name, async () => {
      const dir = workspaceFrom(join(FIXTURES, '_workspace'), join(FIXTURES, name));
      const manifest = compile(dir);
      const { db } = await sqliteFor(manifest);
      const summary = await ingestWorkspace({ db, manifest, root: dir, now: () => 0 });
      expect(summary.files).toHaveLength(1);
      const file = summary.files[0]!;
      const rejects = (await db.kysely.selectFrom('ingest_rejects').select(['line', 'reason']).orderBy('line').execute()).map((r) => ({
        line: Number(r.line),
        reason: r.reason as string,
      }));
      const actual: Expected = {
        status: file.status,
        rows: file.rows,
        accepted: file.accepted,
        events: await count(db, 'events'),
        rejects,
        ...(file.message ? { message: file.message } : {}),
      };
      const expectedPath = join(FIXTURES, name, 'expected.json');
      // A fixture states what must happen: a missing expected.json is an error, not a new snapshot.
      if (!existsSync(expectedPath) && process.env.UPDATE_SNAPSHOTS !== '1')
        throw new Error(`${name}/expected.json is missing: write it, or run with UPDATE_SNAPSHOTS=1 and review it`);
      if (process.env.UPDATE_SNAPSHOTS === '1') {
        const previous = existsSync(expectedPath) ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected) : undefined;
        writeFileSync(
          expectedPath,
          `${JSON.stringify({ ...actual, ...(previous?.stored ? { stored: previous.stored } : {}) }, null, 2)}\n`,
        );
      }
      const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected;
      const { stored, ...rest } = expected;
      expect(actual).toEqual(rest);
      // Nothing lost, nothing counted twice.
      expect(file.accepted + file.rejected).toBe(file.rows);
      for (const [table, rows] of Object.entries(stored ?? {})) {
        const all = await db.kysely.selectFrom(table).selectAll().execute();
        for (const row of rows) expect(all).toContainEqual(expect.objectContaining(row));
      }
    });
  }
});
