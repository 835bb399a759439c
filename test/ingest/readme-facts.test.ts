import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { compile, prepared, tempDir } from './helpers.ts';
import { factsFromDatabase, RETAIL_DIR, retailFiles, retailWorkspace } from './online-retail.ts';

/**
 * The facts the data's README states about the whole Online Retail set (campaigns/data/online-retail:
 * the full 305 daily files are committed), reproduced from what Herald loaded plus what it
 * rejected. The expected numbers are read from the README's table, so the README and the data
 * cannot drift apart. SQLite only: the full set is 541,909 lines, a few seconds on SQLite; the
 * same reconciliation runs on PostgreSQL over a slice in reconciliation.test.ts.
 */
function readmeFacts(): Record<string, number> {
  const readme = readFileSync(join(RETAIL_DIR, 'README.md'), 'utf8');
  const facts: Record<string, number> = {};
  for (const m of readme.matchAll(/^\| ([^|]+?) \| ([\d,]+) \|$/gm)) facts[m[1]!] = Number(m[2]!.replace(/,/g, ''));
  return facts;
}

describe('the Online Retail README facts', () => {
  it('are reproduced from what the full set loaded and rejected', { timeout: 120_000 }, async () => {
    const facts = readmeFacts();
    const files = retailFiles();
    expect(files).toHaveLength(305);
    const dir = retailWorkspace(tempDir(), files);
    const manifest = compile(dir);
    const db = await prepared(`sqlite:${join(tempDir(), 'full.db')}`, manifest);
    try {
      const summary = await ingestWorkspace({ db, manifest, root: dir, now: () => 0 });
      const actual = await factsFromDatabase(db);
      expect(actual.lines).toBe(facts['invoice lines']);
      expect(actual.customers).toBe(facts['distinct customers (non-empty CustomerID)']);
      expect(actual.invoices).toBe(facts['distinct invoices']);
      expect(actual.withoutCustomer).toBe(facts['lines with an empty CustomerID']);
      expect(actual.cancellations).toBe(facts['cancellation lines (InvoiceNo starts with `C`)']);
      // Nothing lost, nothing counted twice: every line is an event or a reject, once.
      expect(summary.totals.rows).toBe(facts['invoice lines']);
      expect(actual.loaded + actual.rejected).toBe(facts['invoice lines']);
      expect(summary.totals.files.loaded).toBe(305);
    } finally {
      await db.close();
    }
  });
});
