import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { traitTableSpecs } from '../../runtime/manifest.ts';
import { forEachDialect } from '../support/postgres.ts';
import { copyShop } from './support/workspace.ts';
import { get, startTestDev } from './support/dev-server.ts';

const AS_OF = Date.UTC(2026, 2, 10);
const DAY = 86_400_000;

/** Customers whose names and addresses must never reach a page unless asked for. */
const CUSTOMERS = [
  { id: 'd_1', email: 'dora.private@example.test', first_name: 'Dora', country: 'United Kingdom', email_consent: true },
  { id: 'd_2', email: 'eli.private@example.test', first_name: 'Eli', country: 'France', email_consent: true },
  { id: 'd_3', email: 'fay.private@example.test', first_name: 'Fay', country: 'France', email_consent: false },
  // Small spenders, so that d_1 ranks in the top RFM quintile.
  ...[4, 5, 6, 7].map((i) => ({
    id: `d_${i}`,
    email: `someone${i}@example.test`,
    first_name: `Name${i}`,
    country: 'Spain',
    email_consent: false,
  })),
];

async function seed(url: string, dir: string): Promise<void> {
  const manifest = runPipeline(dir, { emit: true }).emitted!.manifest;
  const db = openDatabase(url, { baseDir: dir });
  try {
    await migrate(db);
    await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
    const bool = (b: boolean) => (db.dialect === 'sqlite' ? (b ? 1 : 0) : b);
    await db.kysely
      .insertInto('customers')
      .values(CUSTOMERS.map((c) => ({ ...c, email_consent: bool(c.email_consent) })))
      .execute();
    // d_1 spends a lot recently; d_2 bought once, long ago.
    const events = [
      ...[1, 2, 3, 4].map((i) => ({
        id: `e${i}`,
        customer_id: 'd_1',
        type: 'purchase',
        at: AS_OF - i * DAY,
        item_id: 'x',
        quantity: 1,
        amount: 80,
      })),
      { id: 'e9', customer_id: 'd_2', type: 'purchase', at: AS_OF - 200 * DAY, item_id: 'x', quantity: 1, amount: 5 },
      ...[4, 5, 6, 7].map((i) => ({
        id: `s${i}`,
        customer_id: `d_${i}`,
        type: 'purchase',
        at: AS_OF - 20 * DAY,
        item_id: 'x',
        quantity: 1,
        amount: i,
      })),
    ];
    await db.kysely.insertInto('events').values(events).execute();
    const entry = {
      journey: 'cart_recovery',
      version: 'v1',
      entry_key: 'k',
      entered_at: AS_OF - DAY,
      phase: null,
      step_at: AS_OF - DAY,
      due_at: AS_OF + DAY,
      state: '{}',
      seq: 1,
    };
    await db.kysely
      .insertInto('journey_entries')
      .values([
        { ...entry, id: 'j1', customer_id: 'd_1', status: 'active', step: 'wait_more', exited_at: null, exit_reason: null },
        { ...entry, id: 'j2', customer_id: 'd_2', status: 'done', step: null, exited_at: AS_OF, exit_reason: 'purchase' },
      ])
      .execute();
  } finally {
    await db.close();
  }
}

forEachDialect('herald dev with a preview database', (ctx) => {
  const shop = copyShop('herald-dev-db-');
  let dev: Awaited<ReturnType<typeof startTestDev>>;
  let url: string;

  beforeAll(async () => {
    url = await ctx.freshUrl();
    await seed(url, shop.dir);
    dev = await startTestDev(shop.dir, { db: url, asOf: AS_OF });
  });

  afterAll(async () => {
    await dev?.close();
    shop.dispose();
  });

  it('shows live segment counts and members with personal data masked, changing nothing stored', async () => {
    const page = await get(`${dev.url}segments/reachable`);
    expect(page.body).toMatch(/<strong class="member-count">2<\/strong> customers as of 2026-03-10T00:00:00Z/);
    expect(page.body).toContain('>d_1</a>');
    expect(page.body).toContain('>d_2</a>');
    expect(page.body).not.toContain('>d_3</a>');
    for (const c of CUSTOMERS) {
      expect(page.body).not.toContain(c.email);
      expect(page.body).not.toContain(c.first_name);
    }
    expect(page.body).toContain('***');
    const home = await get(dev.url);
    expect(home.body).toMatch(/big_spenders<\/a>.*?<span class="segment-count">1 member<\/span>/s);
    const big = await get(`${dev.url}segments/big_spenders`);
    expect(big.body).toContain('<strong class="member-count">1</strong>');
    // Counting ran in a transaction that was rolled back.
    const db = openDatabase(url, { baseDir: shop.dir });
    try {
      expect(await db.kysely.selectFrom('segment_memberships').selectAll().execute()).toEqual([]);
      expect(await db.kysely.selectFrom('segment_runs').selectAll().execute()).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('explains a customer clause by clause, masked', async () => {
    const page = await get(`${dev.url}segments/big_spenders?customer=d_1`);
    expect(page.body).toContain('<strong class="good">IN</strong>');
    expect(page.body).toContain('spend_90d &gt; 100');
    const out = await get(`${dev.url}segments/big_spenders?customer=d_2`);
    expect(out.body).toContain('<strong class="bad">OUT</strong>');
    expect((await get(`${dev.url}segments/big_spenders?customer=ghost`)).body).toContain('no customer "ghost" in the preview database');
    const hostile = await get(`${dev.url}segments/big_spenders?customer=${encodeURIComponent('<script>x</script>')}`);
    expect(hostile.body).not.toContain('<script>x');
    expect(hostile.body).toContain('&lt;script&gt;x');
  });

  it('renders templates for database customers, masking their personal data unless asked', async () => {
    const masked = await get(`${dev.url}templates/welcome?customer=d_1`);
    expect(masked.body).toContain('from the database, personal data masked');
    expect(masked.body).toContain('Welcome, [first_name]!');
    expect(masked.body).not.toContain('Dora');
    const email = await get(`${dev.url}templates/welcome/email?customer=d_1`);
    expect(email.body).not.toContain('Dora');
    const shown = await get(`${dev.url}templates/welcome?customer=d_1&pii=show&token=${dev.server.guard.token}`);
    expect(shown.body).toContain('Welcome, Dora!');
    // Sample customers still come from the sample data.
    expect((await get(`${dev.url}templates/welcome`)).body).toContain('Welcome, Ada!');
  });

  it('shows how many customers are at each journey step', async () => {
    const page = await get(`${dev.url}journeys/cart_recovery`);
    expect(page.body).toContain('2 entries in the preview database; left: purchase 1');
    expect(page.body).toMatch(/data-step="wait_more">[\s\S]*?<span class="pill step-count">1 here now<\/span>/);
    expect(page.body).toMatch(/data-step="remind">[\s\S]*?<span class="pill step-count">0 here now<\/span>/);
    // The flowchart carries the counts too.
    expect(page.body).toContain('wait_more: wait for purchase, up to 2d (1)');
  });
});

describe('herald dev with an unreachable database', () => {
  const shop = copyShop('herald-dev-nodb-');
  let dev: Awaited<ReturnType<typeof startTestDev>>;
  beforeAll(async () => {
    dev = await startTestDev(shop.dir, { db: 'postgres://herald@127.0.0.1:1/nothing' });
  });
  afterAll(async () => {
    await dev?.close();
    shop.dispose();
  });

  it('says so on the pages and keeps previewing from sample data', async () => {
    const page = await get(`${dev.url}segments/reachable`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('HL560: cannot use the preview database postgres://herald@127.0.0.1:1/nothing');
    expect((await get(`${dev.url}templates/welcome`)).body).toContain('Welcome, Ada!');
  });
});

describe('herald dev and the workspace database', () => {
  const shop = copyShop('herald-dev-later-');
  let dev: Awaited<ReturnType<typeof startTestDev>>;
  beforeAll(async () => {
    dev = await startTestDev(shop.dir, { asOf: AS_OF });
  });
  afterAll(async () => {
    await dev?.close();
    shop.dispose();
  });

  it('never creates one, and starts using it once it exists (after a first ingest)', async () => {
    expect((await get(`${dev.url}segments/reachable`)).body).toContain('No preview database');
    expect(existsSync(join(shop.dir, '.herald'))).toBe(false);
    mkdirSync(join(shop.dir, '.herald'));
    await seed(`sqlite:${join(shop.dir, '.herald', 'dev_shop.db')}`, shop.dir);
    expect((await get(`${dev.url}segments/reachable`)).body).toContain('<strong class="member-count">2</strong>');
  });
});

describe('herald dev when counting fails', () => {
  const shop = copyShop('herald-dev-countfail-');
  let dev: Awaited<ReturnType<typeof startTestDev>>;
  let url: string;
  beforeAll(async () => {
    url = `sqlite:${join(shop.dir, 'preview.db')}`;
    await seed(url, shop.dir);
    dev = await startTestDev(shop.dir, { db: url, asOf: AS_OF });
  });
  afterAll(async () => {
    await dev?.close();
    shop.dispose();
  });

  it('says why on the page (HL564) and keeps serving', async () => {
    // The schema is brought up to date once; a table removed behind the preview's back makes counting fail.
    expect((await get(`${dev.url}templates/welcome?customer=d_1`)).status).toBe(200);
    const db = openDatabase(url, { baseDir: shop.dir });
    try {
      await db.kysely.schema.dropTable('trait_spend_90d').execute();
    } finally {
      await db.close();
    }
    const page = await get(`${dev.url}segments/big_spenders`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('HL564: counting failed:');
    expect(page.body).toContain('trait_spend_90d');
  });
});
