/**
 * Journeys at scale: 100,000 customers through a five-step journey (wait, send, wait_for,
 * branch, send, with an exit_when rule) over a simulated week, on SQLite and PostgreSQL: entries
 * from add-to-cart events, every step run and saved, every send queued in the outbox. Target: a
 * week on SQLite in under 60 s. The baseline, measured in the same run, is a plain insert of as
 * many entry rows as there are customers (what storing the state at all costs).
 *
 * The delivery worker is left out (`deliver: false`): rendering and sending are delivery's own
 * benchmark. HERALD_BENCH_JOURNEY_CUSTOMERS changes the size (default 100000);
 * HERALD_BENCH_DIALECTS=sqlite,postgres (default both). PostgreSQL is a throwaway embedded server.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { BenchCase, BenchSuite } from './types.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import type { Database, Dialect } from '../runtime/db/database.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { traitTableSpecs } from '../runtime/manifest.ts';
import { DiscardingTransport, runJourneys, type RunSummary } from '../runtime/journeys/index.ts';
import { compileOrThrow, fixtureWorkspace } from '../test/journeys/support.ts';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.ts';

const CUSTOMERS = Number(process.env.HERALD_BENCH_JOURNEY_CUSTOMERS ?? 100_000);
const dialects = (process.env.HERALD_BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()) as Dialect[];
const FROM = Date.UTC(2026, 0, 5);
const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;

const manifest: Manifest = compileOrThrow(
  fixtureWorkspace({
    'journeys.yaml': `
apiVersion: herald/v1
kind: Journey
metadata: { name: bench_cart }
spec:
  entry: { event: added_to_cart, once_per: 7d }
  exit_when: exists(purchase within since_entry)
  steps:
    wait_1h: { wait: 1h, next: remind }
    remind: { send: cart_reminder, next: watch }
    watch: { wait_for: { event: purchase, timeout: 48h }, on_event: exit, on_timeout: check }
    check:
      branch:
        - { when: 'stage = "vip"', next: vip_offer }
      else: offer
    vip_offer: { send: welcome, next: exit }
    offer: { send: offer, next: exit }
`,
  }),
);

/** Deterministic data: every customer adds to the basket in the first five days; a third buy, some at once. */
function* rows() {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `c${i}`;
    const cart = FROM + Math.floor(rnd() * 5 * 86_400_000);
    const buys = rnd() < 1 / 3 ? cart + Math.floor(rnd() * 72 * HOUR) : undefined;
    yield { customer: { id, email: `${id}@example.test`, email_consent: 1, stage: i % 10 === 0 ? 'vip' : 'regular' }, cart, buys };
  }
}

/** The data loaded once per dialect into a template database that every measured run copies. */
interface Prepared {
  dialect: Dialect;
  /** A fresh copy of the data for one run. */
  fresh(): Promise<Database>;
  /** A database with the schema only (the baseline's). */
  empty(): Promise<Database>;
  cleanup(): Promise<void>;
}

async function load(db: Database): Promise<void> {
  await migrate(db);
  await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
  const customers: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  for (const r of rows()) {
    customers.push({ ...r.customer, email_consent: db.dialect === 'sqlite' ? 1 : true });
    events.push({ id: `a${r.customer.id}`, customer_id: r.customer.id, type: 'added_to_cart', at: r.cart, item_id: 'A1', price: 3 });
    if (r.buys !== undefined)
      events.push({ id: `p${r.customer.id}`, customer_id: r.customer.id, type: 'purchase', at: r.buys, item_id: 'A1', amount: 3 });
  }
  await db.transaction(async (trx) => {
    for (let i = 0; i < customers.length; i += 1000)
      await trx
        .insertInto('customers')
        .values(customers.slice(i, i + 1000))
        .execute();
    for (let i = 0; i < events.length; i += 1000)
      await trx
        .insertInto('events')
        .values(events.slice(i, i + 1000))
        .execute();
  });
}

async function prepare(dialect: Dialect): Promise<Prepared> {
  const started = Date.now();
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'herald-bench-journeys-'));
    const template = join(dir, 'template.db');
    const db = openDatabase(`sqlite:${template}`);
    await load(db);
    await db.close();
    const schemaOnly = join(dir, 'empty.db');
    const e = openDatabase(`sqlite:${schemaOnly}`);
    await migrate(e);
    await e.close();
    let n = 0;
    const copy = (from: string) => {
      const to = join(dir, `run-${n++}.db`);
      copyFileSync(from, to);
      return openDatabase(`sqlite:${to}`);
    };
    process.stderr.write(`  sqlite: loaded ${CUSTOMERS} customers in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return {
      dialect,
      fresh: async () => copy(template),
      empty: async () => copy(schemaOnly),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const cluster: PostgresCluster = await startPostgresCluster();
  const admin = openDatabase(cluster.url);
  const url = (name: string) => cluster.url.replace(/\/postgres$/, `/${name}`);
  for (const name of ['bench_template', 'bench_empty']) await sql`create database ${sql.id(name)}`.execute(admin.kysely);
  const template = openDatabase(url('bench_template'));
  await load(template);
  await template.close();
  const e = openDatabase(url('bench_empty'));
  await migrate(e);
  await e.close();
  let n = 0;
  const copy = async (from: string) => {
    const name = `bench_run_${n++}`;
    await sql`create database ${sql.id(name)} template ${sql.id(from)}`.execute(admin.kysely);
    return openDatabase(url(name));
  };
  process.stderr.write(`  postgres: loaded ${CUSTOMERS} customers in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return {
    dialect,
    fresh: () => copy('bench_template'),
    empty: () => copy('bench_empty'),
    cleanup: async () => {
      await admin.close();
      await cluster.stop();
    },
  };
}

let current: Prepared | undefined;
async function use(dialect: Dialect): Promise<Prepared> {
  if (current?.dialect === dialect) return current;
  await current?.cleanup();
  current = await prepare(dialect);
  return current;
}

/** The baseline: as many journey entry rows as customers, inserted plainly in one transaction. */
async function insertStateRows(db: Database): Promise<void> {
  await db.transaction(async (trx) => {
    const batch: Array<Record<string, unknown>> = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      batch.push({
        id: `e${i}`,
        journey: 'bench_cart',
        version: 'v1',
        customer_id: `c${i}`,
        entry_key: `k${i}`,
        entered_at: FROM,
        status: 'active',
        step: 'wait_1h',
        phase: 'ready',
        step_at: FROM,
        due_at: FROM,
        state: '{"visits":{},"variants":{}}',
        seq: 1,
      });
      if (batch.length === 500) await trx.insertInto('journey_entries').values(batch.splice(0)).execute();
    }
    if (batch.length > 0) await trx.insertInto('journey_entries').values(batch).execute();
  });
}

const last = new Map<string, RunSummary>();

function cases(): BenchCase[] {
  const out: BenchCase[] = [];
  for (const dialect of dialects) {
    let db: Database | undefined;
    const close = async () => {
      await db?.close();
      db = undefined;
    };
    out.push({
      name: `${dialect} insert ${CUSTOMERS} state rows`,
      baseline: out.length === 0,
      units: CUSTOMERS,
      unitName: 'rows',
      setup: async () => {
        db = await (await use(dialect)).empty();
      },
      run: () => insertStateRows(db!),
      teardown: close,
    });
    out.push({
      name: `${dialect} ${CUSTOMERS} customers, five-step journey, one week`,
      units: CUSTOMERS,
      unitName: 'customers',
      setup: async () => {
        db = await (await use(dialect)).fresh();
      },
      run: async () => {
        last.set(
          dialect,
          await runJourneys(db!, manifest, {
            from: FROM,
            until: FROM + WEEK,
            transport: new DiscardingTransport(),
            resolutionMs: HOUR,
            deliver: false,
            batchSize: 1000,
          }),
        );
      },
      teardown: async () => {
        const s = last.get(dialect)!;
        const queued = Object.values(s.queued['journey:bench_cart'] ?? {}).reduce((a, b) => a + b, 0);
        process.stderr.write(`    ${dialect}: ${s.entered.bench_cart ?? 0} entries, ${queued} sends queued, ${s.slices} slices\n`);
        if ((s.entered.bench_cart ?? 0) !== CUSTOMERS) throw new Error(`expected ${CUSTOMERS} entries, got ${s.entered.bench_cart ?? 0}`);
        await close();
      },
    });
  }
  return out;
}

const suite: BenchSuite = {
  name: 'journeys',
  // A measured run is tens of seconds: a median of three.
  runs: 3,
  warmup: 0,
  after: async () => {
    await current?.cleanup();
    current = undefined;
  },
  cases: cases(),
  targets: dialects.includes('sqlite')
    ? [
        {
          description: `sqlite: ${CUSTOMERS} customers through a five-step journey over a simulated week in under 60 s`,
          check: (m: Record<string, number>) => m[`sqlite ${CUSTOMERS} customers, five-step journey, one week`]! < 60_000,
          detail: (m: Record<string, number>) =>
            `${(m[`sqlite ${CUSTOMERS} customers, five-step journey, one week`]! / 1000).toFixed(1)} s`,
        },
      ]
    : [],
};

export default suite;
