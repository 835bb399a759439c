/**
 * Runs generated models, data, traits and rules through the three backends: the JavaScript
 * evaluator, and the compiled SQL on a real database (SQLite or PostgreSQL, through the runtime's
 * database layer: migrations, data-model sync, then the compiled queries).
 */
import { CompiledQuery as KyselyQuery } from 'kysely';
import type { Expr } from '../../../compiler/contract/core/ast.ts';
import { bindParameters, type CompiledQuery, type SqlDialect } from '../../../compiler/contract/compiled-sql.ts';
import type { RuleSchema } from '../../../compiler/contract/core/rule-paths.ts';
import { compileSegmentQuery, compileTraitQuery, traitOutputs } from '../../../compiler/sql/index.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { migrate } from '../../../runtime/db/migrate.ts';
import { syncSchema } from '../../../runtime/db/sync.ts';
import type { EvalContext, EventRecord } from '../../../runtime/eval/context.ts';
import { createSegmentSet } from '../../../runtime/eval/segments.ts';
import { compileCustomerTrait, computeRfm, type TraitRow } from '../../../runtime/eval/traits.ts';
import { toNumber } from '../../../runtime/eval/values.ts';
import type { SubscriptionRows } from '../../../compiler/contract/subscriptions.ts';
import { AS_OF, type GenData, type GenModel } from './generators.ts';

/** What the harness needs of a model: the data model and the traits. */
export type RuleModel = Pick<GenModel, 'dataModel' | 'traits'>;

export function schemaOf(model: RuleModel): RuleSchema {
  const traits: RuleSchema['traits'] = {};
  for (const plan of model.traits) traits[plan.name] = traitOutputs(plan, { dataModel: model.dataModel, traits: {} });
  return { dataModel: model.dataModel, traits };
}

/** Prepares a database for one generated model (columns are only ever added) and loads the data. */
export async function loadDatabase(db: Database, model: RuleModel, data: GenData, first: boolean): Promise<void> {
  // Migrations include the herald_lower/herald_upper functions PostgreSQL needs, and the model
  // runtime's model_scores table that score()/tier() read.
  if (first) await migrate(db);
  const schema = schemaOf(model);
  const traitSpecs = model.traits.map((t) => ({
    name: t.name,
    columns: Object.fromEntries(schema.traits[t.name]!.map((o) => [o.name, o.type === 'number' ? 'number' : 'string'])),
  }));
  await syncSchema(db, model.dataModel, traitSpecs);
  const k = db.kysely;
  await k.deleteFrom('events').execute();
  await k.deleteFrom('model_scores').execute();
  if (data.scores?.length)
    await k
      .insertInto('model_scores')
      .values(data.scores.map((s) => ({ ...s, version: 1 })))
      .execute();
  await k.deleteFrom('delivery_suppressions').execute();
  await k.deleteFrom('recipient_topic_optouts').execute();
  if (data.suppressions?.length) await k.insertInto('delivery_suppressions').values(data.suppressions).execute();
  if (data.optouts?.length) await k.insertInto('recipient_topic_optouts').values(data.optouts).execute();
  await k.deleteFrom('customers').execute();
  const store = (v: unknown) => (db.dialect === 'sqlite' && typeof v === 'boolean' ? (v ? 1 : 0) : v);
  const rows = (items: Array<Record<string, unknown>>) =>
    items.map((r) => Object.fromEntries(Object.entries(r).map(([k2, v]) => [k2, store(v)])));
  if (data.customers.length) await k.insertInto('customers').values(rows(data.customers)).execute();
  for (let i = 0; i < data.events.length; i += 200)
    await k
      .insertInto('events')
      .values(rows(data.events.slice(i, i + 200)))
      .execute();
}

export async function runQuery(db: Database, query: CompiledQuery): Promise<Array<Record<string, unknown>>> {
  const params = bindParameters(query, { as_of: AS_OF });
  const out = await db.kysely.executeQuery<Record<string, unknown>>(KyselyQuery.raw(query.sql, params));
  return out.rows;
}

/** Materializes the model's traits in SQL (as the runtime does) and returns their rows by trait. */
export async function materializeTraitsSql(db: Database, model: RuleModel): Promise<Map<string, Map<string, TraitRow>>> {
  const schema = schemaOf(model);
  const all = new Map<string, Map<string, TraitRow>>();
  for (const plan of model.traits) {
    const query = compileTraitQuery(plan, db.dialect as SqlDialect, { schema });
    const rows = await runQuery(db, query);
    const table = `trait_${plan.name}`;
    await db.kysely.deleteFrom(table).execute();
    if (rows.length) await db.kysely.insertInto(table).values(rows).execute();
    const byCustomer = new Map<string, TraitRow>();
    const types = Object.fromEntries(schema.traits[plan.name]!.map((o) => [o.name, o.type]));
    for (const row of rows) {
      const { customer_id, ...outputs } = row;
      byCustomer.set(String(customer_id), normalizeRow(outputs, types));
    }
    all.set(plan.name, byCustomer);
  }
  return all;
}

function normalizeRow(row: Record<string, unknown>, types: Record<string, string>): TraitRow {
  const out: TraitRow = {};
  for (const [k, v] of Object.entries(row)) out[k] = types[k] === 'number' ? toNumber(v) : ((v as string | null) ?? null);
  return positiveZero(out);
}

/** -0 and 0 are the same number to every backend; make them print the same. */
export function positiveZero(row: TraitRow): TraitRow {
  for (const [k, v] of Object.entries(row)) if (v === 0) row[k] = 0;
  return row;
}

/** The JavaScript side: trait rows per customer and an evaluation context per customer. */
export function evaluatorSide(model: RuleModel, data: GenData) {
  const schema = schemaOf(model);
  const eventsBy = new Map<string, EventRecord[]>();
  for (const c of data.customers) eventsBy.set(c.id, []);
  for (const e of data.events) eventsBy.get(String(e.customer_id))?.push(e);
  const traits = new Map<string, Map<string, TraitRow>>();
  const contexts = (traitRows: Map<string, Map<string, TraitRow>>): EvalContext[] =>
    data.customers.map((c) => ({
      asOf: AS_OF,
      customer: c,
      events: eventsBy.get(c.id),
      scores: Object.fromEntries((data.scores ?? []).filter((s) => s.customer_id === c.id).map((s) => [s.model, s.score])),
      tiers: Object.fromEntries((data.scores ?? []).filter((s) => s.customer_id === c.id).map((s) => [s.model, s.tier])),
      traits: Object.fromEntries([...traitRows].map(([name, rows]) => [name, rows.get(c.id)])),
      subscriptions: subscriptionsOf(data, c.id),
    }));
  for (const plan of model.traits) {
    if (plan.kind === 'rfm') {
      traits.set(
        plan.name,
        computeRfm(
          plan,
          data.customers.map((c) => ({ id: c.id, events: eventsBy.get(c.id)! })),
          AS_OF,
        ),
      );
    } else {
      const fn = compileCustomerTrait(plan, schema);
      const rows = new Map<string, TraitRow>();
      for (const ctx of contexts(traits)) rows.set(String(ctx.customer.id), positiveZero(fn(ctx)));
      traits.set(plan.name, rows);
    }
  }
  return { schema, traits, contexts: contexts(traits) };
}

/** The evaluator's view of a customer's subscription rows (as runtime/recipient/subscriptions.ts reads them). */
function subscriptionsOf(data: GenData, id: string): SubscriptionRows {
  const rows: { unsubscribedAt?: number; liftedAt?: number; topicsLeft?: Record<string, number> } = {};
  for (const s of data.suppressions ?? []) {
    if (s.customer_id !== id) continue;
    if (s.reason === 'unsubscribed') rows.unsubscribedAt = s.at;
    else rows.liftedAt = s.at;
  }
  for (const o of data.optouts ?? []) if (o.customer_id === id) rows.topicsLeft = { ...rows.topicsLeft, [o.topic]: o.at };
  return rows;
}

/** Members of each rule by the evaluator. */
export function membersJs(schema: RuleSchema, segments: Record<string, Expr>, rules: Expr[], contexts: EvalContext[]): string[][] {
  const all = { ...segments, ...Object.fromEntries(rules.map((r, i) => [`rule_${i}`, r])) };
  const set = createSegmentSet(all, schema);
  return rules.map((_, i) =>
    contexts
      .filter((ctx) => set.isMember(`rule_${i}`, { ...ctx }))
      .map((ctx) => String(ctx.customer.id))
      .sort(),
  );
}

export async function membersSql(db: Database, schema: RuleSchema, segments: Record<string, Expr>, rules: Expr[]): Promise<string[][]> {
  const out: string[][] = [];
  for (const rule of rules) {
    const query = compileSegmentQuery(rule, db.dialect as SqlDialect, { schema, segmentRule: (name) => segments[name] });
    const rows = await runQuery(db, query);
    out.push(rows.map((r) => String(r.customer_id)).sort());
  }
  return out;
}
