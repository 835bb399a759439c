import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { databaseRenderInput, loadTemplate, renderEmail } from '../../runtime/render/index.ts';
import { compile, prepared, tempDir } from './helpers.ts';
import { forEachDialect } from '../support/postgres.ts';

/**
 * Item codes spelled in two cases across the files a shop sends (the Online Retail data writes
 * `35809a` on some lines and `35809A` on others for one product): ingest stores one spelling, in
 * the items and in every event, so a basket of both spellings is one line that the catalogue names.
 */
const WORKSPACE = `apiVersion: herald/v1
kind: Workspace
metadata: { name: item_ids }
spec:
  timezone: UTC
  customers:
    fields:
      email: { type: email, pii: true }
      email_consent: boolean
  events:
    purchase: { item_id: string, quantity: number, price: number }
    added_to_cart: { item_id: string, price: number }
  items:
    fields: { name: string, price: number }
`;

const SOURCES = `apiVersion: herald/v1
kind: Source
metadata: { name: orders }
spec:
  files: data/orders/*.csv
  timezone: UTC
  customers: { id: customer, email: email, email_consent: consent }
  events:
    type: '"purchase"'
    customer_id: customer
    at: at
    properties: { item_id: code, quantity: quantity, price: price }
  items: { id: code, name: name, price: price }
---
apiVersion: herald/v1
kind: Source
metadata: { name: browsing }
spec:
  files: data/browsing/*.csv
  timezone: UTC
  events:
    type: type
    customer_id: customer
    at: at
    properties: { item_id: code, price: price }
`;

const TEMPLATE = `apiVersion: herald/v1
kind: Template
metadata: { name: basket }
spec:
  subject: "Your basket"
  mjml: basket.mjml
  category: transactional
  from: Shop <shop@example.test>
`;

const MJML = `<mjml><mj-body><mj-section><mj-column>
{% for item in journey.entry.items %}<mj-text>[{{ item.id }}: {{ item.name | default('no name') }}]</mj-text>{% else %}<mj-text>empty basket</mj-text>{% endfor %}
</mj-column></mj-section></mj-body></mjml>
`;

const FILES: Record<string, string> = {
  // The catalogue meets the code in upper case first, then in lower case with a later name.
  'orders/2026-01-01.csv':
    'customer,email,consent,at,code,name,quantity,price\nc1,c1@example.test,true,2026-01-01 10:00:00,35809A,HEART LANTERN,1,2.5\nc2,c2@example.test,true,2026-01-01 11:00:00,22423,CAKESTAND,1,12.75\n',
  'orders/2026-01-02.csv':
    'customer,email,consent,at,code,name,quantity,price\nc2,c2@example.test,true,2026-01-02 10:00:00,35809a,HEART LANTERN RED,2,2.5\nc2,c2@example.test,true,2026-01-02 10:00:00, 85123a ,HOLDER,1,2.95\n',
  // c1 adds the lantern in both spellings and the cakestand; nothing of it is bought afterwards.
  'browsing/2026-01.csv':
    'customer,type,at,code,price\nc1,added_to_cart,2026-01-03 09:00:00,35809a,2.5\nc1,added_to_cart,2026-01-03 09:05:00,35809A,2.5\nc1,added_to_cart,2026-01-03 09:10:00,22423,12.75\nc1,added_to_cart,2026-01-03 09:15:00,85123A,2.95\n',
};

let dir: string;
let manifest: Manifest;
beforeAll(() => {
  dir = tempDir('herald-item-ids-');
  writeFileSync(join(dir, 'herald.yaml'), WORKSPACE);
  writeFileSync(join(dir, 'sources.yaml'), SOURCES);
  writeFileSync(join(dir, 'basket.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'basket.mjml'), MJML);
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, 'data', name, '..'), { recursive: true });
    writeFileSync(join(dir, 'data', name), text);
  }
  manifest = compile(dir);
}, 60_000);
afterAll(() => stopMjmlWorker());

forEachDialect('item ids spelled in two cases, ingested', (ctx) => {
  it('stores one spelling in items and events, and the basket resolves to one named line per product', async () => {
    const db = await prepared(await ctx.freshUrl(), manifest);
    try {
      const summary = await ingestWorkspace({ db, manifest, root: dir, now: () => Date.UTC(2026, 0, 4) });
      expect(summary.totals).toMatchObject({ rows: 8, rejected: 0 });
      const items = await db.kysely.selectFrom('items').select(['id', 'name']).orderBy('id').execute();
      expect(items).toEqual([
        { id: '22423', name: 'CAKESTAND' },
        { id: '35809A', name: 'HEART LANTERN RED' },
        { id: '85123A', name: 'HOLDER' },
      ]);
      const ids = await db.kysely.selectFrom('events').select(['type', 'item_id']).orderBy('at').orderBy('item_id').execute();
      expect(ids.map((e) => e.item_id)).toEqual(['35809A', '22423', '35809A', '85123A', '35809A', '35809A', '22423', '85123A']);

      const compiled = manifest.definitions['Template/basket']!.compiled as CompiledTemplate;
      const input = await databaseRenderInput(db, manifest, compiled, 'c1', Date.UTC(2026, 0, 4));
      const basket = (input.journey as { entry: { items: Array<Record<string, unknown>> } }).entry.items;
      expect(basket.map((i) => [i.id, i.name]).sort()).toEqual([
        ['22423', 'CAKESTAND'],
        ['35809A', 'HEART LANTERN RED'],
        ['85123A', 'HOLDER'],
      ]);
      const outcome = renderEmail(loadTemplate(compiled), input);
      if (!outcome.ok) throw new Error(outcome.reason);
      expect(outcome.email.text.match(/\[[^\]]+\]/g)?.sort()).toEqual([
        '[22423: CAKESTAND]',
        '[35809A: HEART LANTERN RED]',
        '[85123A: HOLDER]',
      ]);
      expect(outcome.email.text).not.toContain('empty basket');
    } finally {
      await db.close();
    }
  }, 60_000);
});
