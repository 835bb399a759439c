import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { compile, prepared, tempDir } from './helpers.ts';
import { forEachDialect } from '../support/postgres.ts';

const WORKSPACE = `apiVersion: herald/v1
kind: Workspace
metadata: { name: identity }
spec:
  timezone: UTC
  customers:
    merge_by_email: true
    fields:
      email: { type: email, pii: true }
      first_name: { type: string, pii: true }
      country: string
      email_consent: boolean
  events:
    signup: { plan: string }
`;

const SOURCE = `apiVersion: herald/v1
kind: Source
metadata: { name: crm }
spec:
  format: jsonl
  files: data/*.jsonl
  customers: { id: id, email: email, first_name: name, country: country, email_consent: consent }
  events: { type: '"signup"', customer_id: id, at: at, properties: { plan: plan } }
  standardize: { customers: { country: country, first_name: title } }
`;

function workspace(files: Record<string, object[]>): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'herald.yaml'), WORKSPACE);
  writeFileSync(join(dir, 'crm.yaml'), SOURCE);
  mkdirSync(join(dir, 'data'));
  for (const [name, rows] of Object.entries(files)) writeFileSync(join(dir, 'data', name), rows.map((r) => JSON.stringify(r)).join('\n'));
  return dir;
}

forEachDialect('identity', (ctx) => {
  it('merges customers by normalized e-mail, keeps known values, and lets later non-null values win', async () => {
    const dir = workspace({
      '1.jsonl': [
        { id: 'a1', email: ' Ann@Example.TEST ', name: 'ann lee', country: 'GB', consent: 'yes', at: '2026-01-01T10:00Z', plan: 'free' },
        { id: 'b1', email: 'bob@example.test', name: 'Bob', country: 'USA', consent: false, at: '2026-01-01T11:00Z', plan: 'free' },
      ],
      // Later: Ann signs up again under another id with the same e-mail, no name, a new country.
      '2.jsonl': [
        { id: 'a2', email: 'ann@example.test', name: null, country: 'France', consent: null, at: '2026-02-01T10:00Z', plan: 'pro' },
      ],
      // Later still: a row for the alias id only.
      '3.jsonl': [{ id: 'a2', email: null, name: 'Ann', country: null, consent: 'no', at: '2026-03-01T10:00Z', plan: 'team' }],
    });
    const manifest = compile(dir);
    const db = await prepared(await ctx.freshUrl(), manifest);
    try {
      const summary = await ingestWorkspace({ db, manifest, root: dir, now: () => 7 });
      expect(summary.totals).toMatchObject({ rows: 4, accepted: 4, rejected: 0 });
      const customers = await db.kysely.selectFrom('customers').selectAll().orderBy('id').execute();
      expect(customers.map((c) => c.id)).toEqual(['a1', 'b1']);
      const ann = customers[0]!;
      expect(ann).toMatchObject({ email: 'ann@example.test', first_name: 'Ann', country: 'France' });
      expect([false, 0]).toContain(ann.email_consent);
      expect(customers[1]).toMatchObject({ country: 'United States', first_name: 'Bob' });
      const events = await db.kysely.selectFrom('events').select(['customer_id', 'plan']).orderBy('at').execute();
      expect(events).toEqual([
        { customer_id: 'a1', plan: 'free' },
        { customer_id: 'b1', plan: 'free' },
        { customer_id: 'a1', plan: 'pro' },
        { customer_id: 'a1', plan: 'team' },
      ]);
      expect(await db.kysely.selectFrom('herald_customer_aliases').selectAll().execute()).toEqual([{ alias: 'a2', customer_id: 'a1' }]);
    } finally {
      await db.close();
    }
  });
});
