import { expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema, SchemaSyncError } from '../../runtime/db/sync.ts';
import type { Database } from '../../runtime/db/database.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';

function model(overrides: Partial<DataModel> = {}): DataModel {
  return {
    customers: {
      mergeByEmail: false,
      fields: {
        email: { type: 'email', pii: true },
        country: { type: 'string' },
        signup_at: { type: 'timestamp' },
        email_consent: { type: 'boolean' },
        lifetime_value: { type: 'number' },
      },
    },
    events: {
      purchase: { amount: { type: 'number' }, item_id: { type: 'string' } },
      added_to_cart: { item_id: { type: 'string' }, price: { type: 'number' } },
    },
    items: { fields: { name: { type: 'string' }, price: { type: 'number' } } },
    ...overrides,
  };
}

async function columnsOf(db: Database, table: string): Promise<Record<string, string>> {
  const tables = await db.kysely.introspection.getTables();
  const t = tables.find((x) => x.name === table);
  if (!t) throw new Error(`no table ${table}`);
  return Object.fromEntries(t.columns.map((c) => [c.name, c.dataType.toLowerCase()]));
}

async function ready(db: Database): Promise<Database> {
  await migrate(db);
  return db;
}

forEachDialect('data-model sync', (ctx) => {
  const bool = ctx.dialect === 'sqlite' ? 'integer' : 'bool';
  const bigint = ctx.dialect === 'sqlite' ? 'integer' : 'int8';
  const double = ctx.dialect === 'sqlite' ? 'real' : 'float8';

  it('adds one column per customer field, event property (union) and item field, typed by the contract', async () => {
    const db = await ready(await ctx.fresh());
    const result = await syncSchema(db, model());
    expect(result.addedColumns).toEqual(
      expect.arrayContaining(['customers.email', 'customers.signup_at', 'events.amount', 'events.item_id', 'events.price', 'items.name']),
    );
    // item_id is declared by two event types but is one column.
    expect(result.addedColumns.filter((c) => c === 'events.item_id')).toHaveLength(1);
    const customers = await columnsOf(db, 'customers');
    expect(customers).toMatchObject({
      id: 'text',
      email: 'text',
      country: 'text',
      signup_at: bigint,
      email_consent: bool,
      lifetime_value: double,
      updated_at: bigint,
    });
    const events = await columnsOf(db, 'events');
    expect(events).toMatchObject({ amount: double, item_id: 'text', price: double, at: bigint });
  });

  it('is idempotent and adds only what a changed model declares anew', async () => {
    const db = await ready(await ctx.fresh());
    await syncSchema(db, model());
    expect((await syncSchema(db, model())).addedColumns).toEqual([]);
    const wider = model();
    wider.customers.fields.locale = { type: 'string' };
    wider.events.page_view = { url: { type: 'string' } };
    expect((await syncSchema(db, wider)).addedColumns.sort()).toEqual(['customers.locale', 'events.url']);
  });

  it('keeps the data of existing columns when new ones are added', async () => {
    const db = await ready(await ctx.fresh());
    await syncSchema(db, model());
    await db.kysely.insertInto('customers').values({ id: 'c1', country: 'France' }).execute();
    const wider = model();
    wider.customers.fields.locale = { type: 'string' };
    await syncSchema(db, wider);
    const row = await db.kysely.selectFrom('customers').selectAll().where('id', '=', 'c1').executeTakeFirstOrThrow();
    expect(row.country).toBe('France');
    expect(row.locale).toBeNull();
  });

  it('refuses to change the storage type of an existing column, naming it', async () => {
    const db = await ready(await ctx.fresh());
    await syncSchema(db, model());
    const changed = model();
    changed.customers.fields.country = { type: 'number' };
    const attempt = syncSchema(db, changed);
    await expect(attempt).rejects.toThrow(SchemaSyncError);
    await expect(syncSchema(db, changed)).rejects.toThrow(
      /customer field "country" is declared as number, but column customers.country was created for string/,
    );
    // Nothing of the failed sync stays (one transaction).
    expect((await columnsOf(db, 'customers')).country).toBe('text');
  });

  it('allows a type change that keeps the storage (string -> email)', async () => {
    const db = await ready(await ctx.fresh());
    await syncSchema(db, model());
    const changed = model();
    changed.customers.fields.country = { type: 'email' };
    await expect(syncSchema(db, changed)).resolves.toMatchObject({ addedColumns: [] });
  });

  it('refuses an event property with two storage types across event types', async () => {
    const db = await ready(await ctx.fresh());
    const bad = model();
    bad.events.refund = { amount: { type: 'string' } };
    await expect(syncSchema(db, bad)).rejects.toThrow(/event property "amount" is .* in ".*" but .* in ".*"/);
  });

  it('refuses data-model names that collide with built-in columns', async () => {
    const db = await ready(await ctx.fresh());
    const bad = model();
    bad.events.purchase = { at: { type: 'string' } };
    await expect(syncSchema(db, bad)).rejects.toThrow(/reserves/);
  });

  it('creates trait tables, recreates them when outputs change, drops them when the trait is gone', async () => {
    const db = await ready(await ctx.fresh());
    const rfm = { name: 'rfm', columns: { recency: 'number', frequency: 'number', monetary: 'number', score: 'number' } };
    const first = await syncSchema(db, model(), [rfm, { name: 'ltv', columns: { value: 'number' } }]);
    expect(first.traitTables.sort()).toEqual(['trait_ltv', 'trait_rfm']);
    expect(await columnsOf(db, 'trait_rfm')).toMatchObject({ customer_id: 'text', recency: double, score: double });
    expect((await syncSchema(db, model(), [rfm, { name: 'ltv', columns: { value: 'number' } }])).traitTables).toEqual([]);
    const changed = await syncSchema(db, model(), [rfm, { name: 'ltv', columns: { value: 'string' } }]);
    expect(changed.traitTables).toEqual(['trait_ltv']);
    expect((await columnsOf(db, 'trait_ltv')).value).toBe('text');
    const gone = await syncSchema(db, model(), [rfm]);
    expect(gone.droppedTraitTables).toEqual(['trait_ltv']);
    const names = (await db.kysely.introspection.getTables()).map((t) => t.name);
    expect(names).not.toContain('trait_ltv');
  });
});
