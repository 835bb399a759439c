import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { compile, count, prepared } from './helpers.ts';
import { tempDir } from './helpers.ts';
import { retailFiles, retailWorkspace } from './online-retail.ts';
import { forEachDialect } from '../support/postgres.ts';

forEachDialect('incremental loads', (ctx) => {
  it('skips unchanged files and reloads a changed file in place, without duplicating its rows', async () => {
    const files = retailFiles().slice(0, 2);
    const dir = retailWorkspace(tempDir(), files);
    const manifest = compile(dir);
    const db = await prepared(await ctx.freshUrl(), manifest);
    try {
      const first = await ingestWorkspace({ db, manifest, root: dir, now: () => 1 });
      expect(first.totals.files.loaded).toBe(2);
      const events = await count(db, 'events');
      const rejects = await count(db, 'ingest_rejects');

      const again = await ingestWorkspace({ db, manifest, root: dir, now: () => 2 });
      expect(again.totals.files).toMatchObject({ loaded: 0, reloaded: 0, skipped: 2 });
      expect(again.totals.rows).toBe(0);
      expect(await count(db, 'events')).toBe(events);

      // A late correction arrives: one new line (a new customer) appended to the first day.
      const path = join(dir, 'data', 'online-retail', files[0]!);
      const original = readFileSync(path, 'utf8');
      appendFileSync(
        path,
        `${original.endsWith('\n') ? '' : '\n'}536999,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2010-12-01 18:00:00,2.55,99999.0,France\n`,
      );
      const third = await ingestWorkspace({ db, manifest, root: dir, now: () => 3 });
      expect(third.totals.files).toMatchObject({ reloaded: 1, skipped: 1 });
      expect(await count(db, 'events')).toBe(events + 1);
      expect(await count(db, 'ingest_rejects')).toBe(rejects);
      const added = await db.kysely.selectFrom('events').selectAll().where('customer_id', '=', '99999').execute();
      expect(added).toHaveLength(1);
      expect(added[0]!.source).toBe(`online_retail:data/online-retail/${files[0]}`);

      // The line is withdrawn again: the reload removes its event (the profile stays).
      writeFileSync(path, original);
      const fourth = await ingestWorkspace({ db, manifest, root: dir, now: () => 4 });
      expect(fourth.totals.files.reloaded).toBe(1);
      expect(await count(db, 'events')).toBe(events);
      expect(await count(db, 'ingest_rejects')).toBe(rejects);
      const recorded = await db.kysely.selectFrom('herald_ingested_files').selectAll().orderBy('path').execute();
      expect(recorded.map((r) => Number(r.loaded_at))).toEqual([4, 1]);
    } finally {
      await db.close();
    }
  });
});
