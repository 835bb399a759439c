import { sql } from 'kysely';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { Database } from '../../runtime/db/database.ts';
import { seededRng } from '../../runtime/models/rng.ts';

/**
 * A deterministic synthetic shop for benchmarks and large tests: customers with the usual fields
 * and a purchase / page_view / added_to_cart history spread over two years before `asOf` (and a
 * few events after it, which no rule may see). Loaded in one transaction with prepared statements
 * (SQLite) or unnest() batches (PostgreSQL), secondary indexes built once after the rows.
 */
export const SHOP_MODEL: DataModel = {
  customers: {
    mergeByEmail: false,
    fields: {
      email: { type: 'email', pii: true },
      first_name: { type: 'string', pii: true },
      country: { type: 'string' },
      signup_at: { type: 'timestamp' },
      email_consent: { type: 'boolean' },
    },
  },
  events: {
    purchase: { item_id: { type: 'string' }, quantity: { type: 'number' }, amount: { type: 'number' } },
    page_view: { item_id: { type: 'string' } },
    added_to_cart: { item_id: { type: 'string' }, price: { type: 'number' } },
  },
  items: { fields: { name: { type: 'string' }, price: { type: 'number' } } },
};

export interface ShopSize {
  customers: number;
  events: number;
  seed?: number;
  /** Epoch milliseconds the history leads up to. */
  asOf: number;
}

const DAY = 86_400_000;
const COUNTRIES = [
  'United Kingdom',
  'United Kingdom',
  'United Kingdom',
  'United Kingdom',
  'France',
  'Germany',
  'EIRE',
  'Spain',
  'Netherlands',
  'Belgium',
  'Ελλάδα',
  'Österreich',
];
const NAMES = ['Ada', 'alan', 'Grace', 'Édith', 'Zoë', 'Linus', 'ángel', 'Ösel', 'Barbara', 'Ken', 'Margaret', 'Dennis'];

export interface CustomerRow {
  id: string;
  email: string;
  first_name: string | null;
  country: string | null;
  signup_at: number | null;
  email_consent: boolean;
}
export interface EventRow {
  id: string;
  customer_id: string;
  type: string;
  at: number;
  item_id: string | null;
  quantity: number | null;
  amount: number | null;
  price: number | null;
}

/**
 * Ids are zero-padded so that they are generated in key order: the primary-key indexes then grow
 * at their end instead of taking random inserts (which, at ten million events, is the whole cost
 * of loading).
 */
function customerId(i: number): string {
  return `c${String(i).padStart(7, '0')}`;
}

export function* shopCustomers(size: ShopSize): Generator<CustomerRow> {
  const rnd = seededRng(size.seed ?? 1).next;
  for (let i = 0; i < size.customers; i++) {
    yield {
      id: customerId(i),
      email: `${customerId(i)}@example.test`,
      first_name: rnd() < 0.05 ? null : NAMES[Math.floor(rnd() * NAMES.length)]!,
      country: rnd() < 0.02 ? null : COUNTRIES[Math.floor(rnd() * COUNTRIES.length)]!,
      signup_at: rnd() < 0.03 ? null : size.asOf - Math.floor(rnd() * 900 * DAY),
      email_consent: rnd() < 0.7,
    };
  }
}

/** Events skewed towards a minority of active customers and towards recent days. */
export function* shopEvents(size: ShopSize): Generator<EventRow> {
  const rnd = seededRng((size.seed ?? 1) * 7919).next;
  for (let i = 0; i < size.events; i++) {
    const r = rnd();
    const customer = Math.floor(r * r * size.customers);
    const kind = rnd();
    const type = kind < 0.3 ? 'purchase' : kind < 0.8 ? 'page_view' : 'added_to_cart';
    // 2% after as_of: rules must never see them.
    const at = rnd() < 0.02 ? size.asOf + Math.floor(rnd() * 30 * DAY) : size.asOf - Math.floor(rnd() ** 1.5 * 730 * DAY);
    const item = `i${Math.floor(rnd() * 500)}`;
    const price = Math.round(rnd() * 12000) / 100;
    const quantity = 1 + Math.floor(rnd() * 6);
    yield {
      id: `e${String(i).padStart(9, '0')}`,
      customer_id: customerId(customer),
      type,
      at,
      item_id: item,
      quantity: type === 'purchase' ? quantity : null,
      amount: type === 'purchase' ? Math.round(quantity * price * 100) / 100 : null,
      price: type === 'added_to_cart' ? price : null,
    };
  }
}

/** Loads the shop into a migrated and synced database. */
export async function loadShop(db: Database, size: ShopSize): Promise<void> {
  if (db.dialect === 'sqlite') return loadSqlite(db, size);
  return loadPostgres(db, size);
}

function loadSqlite(db: Database, size: ShopSize): void {
  const raw = db.sqlite!;
  const customer = raw.prepare(
    'insert into customers (id, email, first_name, country, signup_at, email_consent) values (?, ?, ?, ?, ?, ?)',
  );
  const event = raw.prepare(
    'insert into events (id, customer_id, type, at, item_id, quantity, amount, price) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // Bulk load: secondary indexes are built once at the end (far cheaper than maintaining them
  // row by row), and the throwaway data need not survive a power cut while loading.
  const indexes = raw
    .prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name in ('customers', 'events') and sql is not null`)
    .all() as Array<{ name: string; sql: string }>;
  const synchronous = raw.pragma('synchronous', { simple: true });
  const cache = raw.pragma('cache_size', { simple: true });
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -524288'); // 512 MB, for building the indexes
  raw.transaction(() => {
    for (const index of indexes) raw.exec(`drop index ${quote(index.name)}`);
    for (const c of shopCustomers(size)) customer.run(c.id, c.email, c.first_name, c.country, c.signup_at, c.email_consent ? 1 : 0);
    for (const e of shopEvents(size)) event.run(e.id, e.customer_id, e.type, e.at, e.item_id, e.quantity, e.amount, e.price);
    for (const index of indexes) raw.exec(index.sql);
  })();
  raw.pragma(`synchronous = ${Number(synchronous)}`);
  raw.pragma(`cache_size = ${Number(cache)}`);
  raw.exec('analyze');
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const BATCH = 50_000;

async function loadPostgres(db: Database, size: ShopSize): Promise<void> {
  await db.transaction(async (trx) => {
    // As on SQLite: drop the secondary indexes, load, and build them once at the end.
    const { rows: indexes } = await sql<{ name: string; definition: string }>`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = current_schema() and tablename in ('customers', 'events') and indexname not like '%_pkey'`.execute(trx);
    for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(trx);
    await sql`set local synchronous_commit = off`.execute(trx);
    await sql`set local maintenance_work_mem = '512MB'`.execute(trx);
    for (const batch of batches(shopCustomers(size))) {
      await sql`insert into customers (id, email, first_name, country, signup_at, email_consent)
        select * from unnest(${col(batch, 'id')}::text[], ${col(batch, 'email')}::text[], ${col(batch, 'first_name')}::text[],
          ${col(batch, 'country')}::text[], ${col(batch, 'signup_at')}::bigint[], ${col(batch, 'email_consent')}::boolean[])`.execute(trx);
    }
    for (const batch of batches(shopEvents(size))) {
      await sql`insert into events (id, customer_id, type, at, item_id, quantity, amount, price)
        select * from unnest(${col(batch, 'id')}::text[], ${col(batch, 'customer_id')}::text[], ${col(batch, 'type')}::text[],
          ${col(batch, 'at')}::bigint[], ${col(batch, 'item_id')}::text[], ${col(batch, 'quantity')}::float8[],
          ${col(batch, 'amount')}::float8[], ${col(batch, 'price')}::float8[])`.execute(trx);
    }
    for (const index of indexes) await sql.raw(index.definition).execute(trx);
  });
  await sql`analyze`.execute(db.kysely);
}

function* batches<T>(rows: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function col<T, K extends keyof T>(rows: T[], key: K): Array<T[K]> {
  return rows.map((r) => r[key]);
}
