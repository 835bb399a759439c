import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database } from '../../runtime/db/database.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { flagshipSubset } from '../pipeline/support/flagship-subset.ts';
import { auditDryRun, readCatalogues } from './support/dry-run-audit.ts';

/**
 * The flagship's dry run read as its recipients would: no email announces a basket or a list of
 * picks with nothing under it, and every email is in the language its customer's locale picks.
 * The full 30-day month (README, `herald run campaigns --from 2011-11-09 --until 2011-12-09
 * --dry-run`) takes a minute or more; here the last days of the real data with their browsing,
 * which hold cart emails of all three cart templates, welcome and recommendation emails, and
 * customers of German and French locales. (The same audit over the full month is run by hand:
 * see the README's section on translations.)
 */
describe('the flagship dry run, email by email', () => {
  const dir = flagshipSubset(4, { fromEnd: true, browsing: ['2011-12'] });
  const url = `sqlite:${join(dir, 'dry-run.db')}`;
  let db: Database | undefined;
  afterAll(async () => db?.close());

  it("promises no list it cannot fill, and every email is in its customer's language", async () => {
    const ingest = await runCli(['ingest', dir, '--db', url], dir, { CI: 'true' });
    expect(ingest.code, ingest.stdout + ingest.stderr).toBe(0);
    const run = await runCli(['run', dir, '--db', url, '--from', '2011-12-05', '--until', '2011-12-10', '--dry-run'], dir, { CI: 'true' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    db = openDatabase(url);
    const out = join(dir, 'out');
    const catalogues = readCatalogues(dir);
    const audit = await auditDryRun(db, out, catalogues, 'en');
    console.log(
      `flagship dry run 2011-12-05..10: ${audit.emails} emails (${JSON.stringify(audit.byTemplate)}), ${audit.cartEmails} cart emails, ${audit.emptyLists.length} with an empty list; by language ${JSON.stringify(audit.byLanguage)}`,
    );
    expect(audit.missingFiles).toEqual([]);
    expect(audit.emptyLists).toEqual([]);
    expect(audit.wrongLanguage).toEqual([]);
    // What the window must hold for the counts to mean something.
    for (const template of ['cart_reminder', 'cart_offer_10', 'cart_offer_ship', 'welcome'])
      expect(audit.byTemplate[template], template).toBeGreaterThan(0);
    expect(audit.basketsShown).toBe(audit.cartEmails);
    expect(audit.picksShown).toBeGreaterThan(0);
    expect(audit.byLanguage.de).toBeGreaterThan(0);
    expect(audit.byLanguage.fr).toBeGreaterThan(0);
    expect(audit.emails).toBe(readdirSync(out).filter((f) => f.endsWith('.html')).length);

    // The audit itself finds both faults: a German cart email whose products are gone, and one declared English.
    const german = await db.kysely
      .selectFrom('delivery_outbox as o')
      .innerJoin('customers as c', 'c.id', 'o.customer_id')
      .select(['o.message_id'])
      .where('o.status', '=', 'sent')
      .where('o.template', '=', 'cart_reminder')
      .where('c.locale', 'like', 'de%')
      .limit(1)
      .executeTakeFirstOrThrow();
    const stem = String(german.message_id).split('@')[0]!;
    const text = readFileSync(join(out, `${stem}.txt`), 'utf8');
    writeFileSync(
      join(out, `${stem}.txt`),
      text
        .split('\n')
        .filter((l) => !l.includes('(https://shop.example/p/'))
        .join('\n'),
    );
    writeFileSync(
      join(out, `${stem}.html`),
      readFileSync(join(out, `${stem}.html`), 'utf8').replace(/<html lang="de[^"]*"/, '<html lang="en-GB"'),
    );
    const broken = await auditDryRun(db, out, catalogues, 'en');
    expect(broken.emptyLists).toEqual([expect.stringContaining(`cart_reminder ${stem}: "Das wartet auf Sie:" with no product under it`)]);
    expect(broken.wrongLanguage).toEqual([expect.stringContaining(`cart_reminder ${stem}: lang="en-GB"`)]);
  }, 180_000);
});
