import { expect, it } from 'vitest';
import { forgetCustomer, ingestWorkspace } from '../../runtime/ingest/index.ts';
import { forgetHash } from '../../runtime/ingest/forgotten.ts';
import { loadIdKey } from '../../runtime/db/id-key.ts';
import { compile, count, prepared, tempDir } from './helpers.ts';
import { retailFiles, retailWorkspace } from './online-retail.ts';
import { forEachDialect } from '../support/postgres.ts';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

forEachDialect('forget', (ctx) => {
  it("erases a customer's rows everywhere, audits without the data, and keeps them out of later loads", async () => {
    const files = retailFiles().slice(0, 1);
    const dir = retailWorkspace(tempDir(), files);
    const manifest = compile(dir);
    const db = await prepared(await ctx.freshUrl(), manifest);
    try {
      await ingestWorkspace({ db, manifest, root: dir, now: () => 1 });
      const k = db.kysely;
      const id = '17850';
      const theirs = await count(db, 'events', (q) => q.where('customer_id', '=', id));
      expect(theirs).toBeGreaterThan(10);
      const duplicatesOfTheirs = await count(db, 'ingest_rejects', (q) => q.where('customer_id', '=', id));
      // Rows of theirs in a table another feature owns (memberships) are erased too.
      await k.insertInto('segment_memberships').values({ segment: 'vip', customer_id: id, entered_at: 0, exited_at: null }).execute();
      const others = (await count(db, 'events')) - theirs;

      const result = await forgetCustomer(db, id, () => 42);
      expect(result).toBeDefined();
      expect(result!.deleted).toMatchObject({ customers: 1, events: theirs, segment_memberships: 1 });
      if (duplicatesOfTheirs > 0) expect(result!.deleted.ingest_rejects).toBe(duplicatesOfTheirs);
      expect(await count(db, 'events', (q) => q.where('customer_id', '=', id))).toBe(0);
      expect(await count(db, 'customers', (q) => q.where('id', '=', id))).toBe(0);
      expect(await count(db, 'events')).toBe(others);
      const audit = await k.selectFrom('herald_forget_log').selectAll().execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.customer_hash).toBe(forgetHash(id, await loadIdKey(k)));
      expect(Number(audit[0]!.forgotten_at)).toBe(42);
      expect(JSON.stringify(audit)).not.toContain(id);

      // The file changes and is reloaded: their lines are not loaded again, nor kept as rejects.
      const path = join(dir, 'data', 'online-retail', files[0]!);
      appendFileSync(
        path,
        `${readFileSync(path, 'utf8').endsWith('\n') ? '' : '\n'}536999,22633,HAND WARMER UNION JACK,6,2010-12-01 18:00:00,1.85,17850.0,United Kingdom\n`,
      );
      const again = await ingestWorkspace({ db, manifest, root: dir, now: () => 43 });
      expect(again.totals.files.reloaded).toBe(1);
      expect(again.totals.rejectedByReason.forgotten_customer).toBe(theirs + duplicatesOfTheirs + 1);
      expect(await count(db, 'customers', (q) => q.where('id', '=', id))).toBe(0);
      expect(await count(db, 'events', (q) => q.where('customer_id', '=', id))).toBe(0);
      const kept = await k.selectFrom('ingest_rejects').selectAll().where('reason', '=', 'forgotten_customer').execute();
      expect(kept.every((r) => r.raw === null && r.customer_id === null)).toBe(true);

      expect(await forgetCustomer(db, 'no-such-customer')).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});
