/**
 * The generated segment and trait queries reach events through the indexes the migrations create
 * (events_customer_type_at for per-customer aggregates, events_type_at for grouped scans of one
 * type), never by reading the whole events table. Checked on the plans the databases report:
 * SQLite's EXPLAIN QUERY PLAN, and PostgreSQL's EXPLAIN with sequential scans priced out (on a
 * tiny table PostgreSQL rightly prefers a scan; what matters is that the query can use an index).
 */
import { CompiledQuery as KyselyQuery, sql } from 'kysely';
import { expect, it } from 'vitest';
import { compileSegmentQuery, compileTraitQuery } from '../../compiler/sql/index.ts';
import { bindParameters, type CompiledQuery, type TraitPlan } from '../../compiler/contract/compiled-sql.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import { parseRule } from '../../compiler/dsl/parse.ts';
import type { Database } from '../../runtime/db/database.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { forEachDialect } from '../support/postgres.ts';

const DAY = 86_400_000;
const dataModel: DataModel = {
  customers: {
    fields: { country: { type: 'string' }, email_consent: { type: 'boolean' }, signup_at: { type: 'timestamp' } },
    mergeByEmail: false,
  },
  events: {
    purchase: { amount: { type: 'number' } },
    added_to_cart: { price: { type: 'number' } },
    page_view: {},
    email_unsubscribed: { topic: { type: 'string' } },
  },
  items: { fields: {} },
};
const schema: RuleSchema = { dataModel, traits: {} };

const RULES = [
  'exists(purchase within 30d)',
  'count(purchase within 365d) >= 5',
  'sum(purchase.amount within 365d) > 500',
  'days_since(last(purchase).at) > 90 and email_consent',
  'exists(added_to_cart where price > 100 within 7d) and not exists(purchase within 7d)',
  'days_since(first(purchase).at) <= 60',
  'not exists(purchase)',
  'subscribed("offers") and exists(purchase within 30d)',
];

const TRAITS: TraitPlan[] = [
  { kind: 'rfm', name: 'rfm', event: 'purchase', amount: 'amount', windowMs: 365 * DAY },
  { kind: 'expression', name: 'spend', expression: rule('sum(purchase.amount within 365d)'), type: 'number' },
];

function rule(text: string) {
  const parsed = parseRule(text);
  if (!parsed.ok) throw new Error(`test rule does not parse: ${text}`);
  return parsed.ast;
}

async function plan(db: Database, query: CompiledQuery): Promise<string[]> {
  const parameters = bindParameters(query, { as_of: Date.UTC(2011, 11, 10) }).map((v) =>
    typeof v === 'boolean' && db.dialect === 'sqlite' ? Number(v) : v,
  );
  const explain = db.dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const rows = (await db.kysely.executeQuery<Record<string, unknown>>(KyselyQuery.raw(explain + query.sql, parameters))).rows;
  return rows.map((r) => String(r.detail ?? r['QUERY PLAN']));
}

/** The plan lines that read the events table, and those that read all of it. */
function eventAccess(dialect: string, lines: string[]) {
  const reads = lines.filter((l) =>
    dialect === 'sqlite' ? /\b(SCAN|SEARCH) e\d*\b/.test(l) || /\bevents\b/.test(l) : / on events\b/.test(l),
  );
  const fullScans = reads.filter((l) => (dialect === 'sqlite' ? /\bSCAN\b/.test(l) : /Seq Scan on events\b/.test(l)));
  return { reads, fullScans };
}

forEachDialect('query plans', (ctx) => {
  async function prepared(): Promise<Database> {
    const db = await ctx.fresh();
    await migrate(db);
    await syncSchema(db, dataModel);
    if (db.dialect === 'postgres') await sql`set enable_seqscan = off`.execute(db.kysely);
    return db;
  }

  it('segment rules read events only through an index', async () => {
    const db = await prepared();
    for (const text of RULES) {
      const lines = await plan(db, compileSegmentQuery(rule(text), db.dialect, { schema }));
      const { reads, fullScans } = eventAccess(db.dialect, lines);
      expect(reads.length, `${text}\n${lines.join('\n')}`).toBeGreaterThan(0);
      expect(fullScans, `${text}\n${lines.join('\n')}`).toEqual([]);
      expect(lines.join('\n'), text).toMatch(/events_customer_type_at|events_type_at/);
    }
    await db.close();
  });

  it('subscribed() reads the suppression list and topic opt-outs by their keys, never the whole table', async () => {
    const db = await prepared();
    const lines = await plan(db, compileSegmentQuery(rule('subscribed("offers")'), db.dialect, { schema }));
    const text = lines.join('\n');
    if (db.dialect === 'sqlite') {
      const reads = lines.filter((l) => /\b(SCAN|SEARCH) [uol]\d+\b/.test(l));
      expect(reads.length, text).toBe(3);
      expect(
        reads.filter((l) => /\bSCAN\b/.test(l)),
        text,
      ).toEqual([]);
    } else {
      expect(text).toMatch(/delivery_suppressions/);
      expect(text).toMatch(/recipient_topic_optouts/);
      expect(text).not.toMatch(/Seq Scan on (delivery_suppressions|recipient_topic_optouts)\b/);
    }
    // Unsubscribe events per customer, or (PostgreSQL's anti-join) one type's through events_type_at.
    expect(text).toMatch(/events_customer_type_at|events_type_at/);
    await db.close();
  });

  it('trait queries read events only through an index', async () => {
    const db = await prepared();
    for (const trait of TRAITS) {
      const lines = await plan(db, compileTraitQuery(trait, db.dialect, { schema }));
      const { reads, fullScans } = eventAccess(db.dialect, lines);
      expect(reads.length, `${trait.name}\n${lines.join('\n')}`).toBeGreaterThan(0);
      expect(fullScans, `${trait.name}\n${lines.join('\n')}`).toEqual([]);
    }
    await db.close();
  });
});
