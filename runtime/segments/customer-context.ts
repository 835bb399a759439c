import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import { fieldValueType } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord } from '../eval/context.ts';
import type { Database, Executor } from '../db/database.ts';
import { traitTableName } from '../db/sync.ts';
import { traitsOf } from '../manifest.ts';
import { materializeTraits } from './traits.ts';
import { modelOutputsByCustomer } from '../models/store/customer-outputs.ts';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';
import { subscriptionRowsByCustomer } from '../recipient/subscriptions.ts';

/** The customer id names no customer in the database. */
export class UnknownCustomerError extends HeraldError {
  constructor(readonly customerId: string) {
    super(`no customer "${customerId}" in the database`, EXIT_ERRORS);
  }
}

/** What rules may read, from the manifest: the data model and every trait's output columns. */
export function ruleSchemaOf(manifest: Manifest): RuleSchema {
  return {
    dataModel: manifest.dataModel,
    traits: Object.fromEntries(traitsOf(manifest).map((t) => [t.name, t.compiled.outputs])),
  };
}

export interface LoadedCustomer {
  /** Evaluator context (fields, traits, events) for the customer as of `asOf`. */
  context: EvalContext;
  /**
   * The instant the trait values are as of. Equal to `asOf`: trait tables are read directly when
   * they were last rebuilt as of it, and otherwise recomputed as of it in a transaction that is
   * rolled back (so the stored tables never change).
   */
  traitsAsOf: number;
}

/** The instant of the latest materialization run, if any (traits and segments run together). */
export async function lastMaterializedAt(db: Executor): Promise<number | undefined> {
  const row = await db
    .selectFrom('segment_runs')
    .select((eb) => eb.fn.max('as_of').as('as_of'))
    .executeTakeFirst();
  return row?.as_of === null || row?.as_of === undefined ? undefined : Number(row.as_of);
}

/** Loads one customer's row, trait values and events as of `asOf`, decoded to evaluator values. */
export async function loadCustomer(db: Database, manifest: Manifest, customerId: string, asOf: number): Promise<LoadedCustomer> {
  const row = await db.kysely.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!row) throw new UnknownCustomerError(customerId);
  const customer: Record<string, unknown> = { id: row.id };
  for (const [name, f] of Object.entries(manifest.dataModel.customers.fields)) customer[name] = decode(row[name], fieldValueType(f.type));

  const events = await loadEvents(db.kysely, manifest, customerId);
  const traits =
    (await lastMaterializedAt(db.kysely)) === asOf
      ? await readTraits(db.kysely, manifest, customerId)
      : await recomputeTraits(db, manifest, customerId, asOf);
  // score() and tier() read what the last `herald score` wrote, as the segment SQL does.
  const models = Object.values(manifest.definitions).some((d) => d.kind === 'Model');
  const outputs = models
    ? ((await modelOutputsByCustomer(db.kysely, [customerId])).get(customerId) ?? { scores: {}, tiers: {} })
    : undefined;
  const subscriptions = (await subscriptionRowsByCustomer(db.kysely, [customerId])).get(customerId);
  return {
    context: {
      asOf,
      customer,
      traits,
      events,
      ...(outputs ? { scores: outputs.scores, tiers: outputs.tiers } : {}),
      ...(subscriptions ? { subscriptions } : {}),
    },
    traitsAsOf: asOf,
  };
}

async function loadEvents(db: Executor, manifest: Manifest, customerId: string): Promise<EventRecord[]> {
  const types = new Map<string, string>();
  for (const props of Object.values(manifest.dataModel.events)) {
    for (const [prop, f] of Object.entries(props)) types.set(prop, fieldValueType(f.type));
  }
  const rows = await db.selectFrom('events').selectAll().where('customer_id', '=', customerId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => {
    const event: EventRecord = { id: String(r.id), type: String(r.type), at: Number(r.at) };
    for (const [prop, type] of types) event[prop] = decode(r[prop], type);
    return event;
  });
}

type TraitValues = NonNullable<EvalContext['traits']>;

async function readTraits(db: Executor, manifest: Manifest, customerId: string): Promise<TraitValues> {
  const out: Record<string, Record<string, unknown> | undefined> = {};
  for (const trait of traitsOf(manifest)) {
    const row = await db.selectFrom(traitTableName(trait.name)).selectAll().where('customer_id', '=', customerId).executeTakeFirst();
    out[trait.name] = row ? Object.fromEntries(trait.compiled.outputs.map((o) => [o.name, decode(row[o.name], o.type)])) : undefined;
  }
  return out;
}

/** Rebuilds the trait tables as of `asOf` inside a transaction, reads the customer's rows, rolls back. */
async function recomputeTraits(db: Database, manifest: Manifest, customerId: string, asOf: number): Promise<TraitValues> {
  const traits = traitsOf(manifest);
  if (traits.length === 0) return {};
  let values: TraitValues = {};
  await db
    .transaction(async (trx) => {
      await materializeTraits(trx, db.dialect, traits, asOf);
      values = await readTraits(trx, manifest, customerId);
      throw ROLLBACK;
    })
    .catch((e) => {
      if (e !== ROLLBACK) throw e;
    });
  return values;
}

const ROLLBACK = Symbol('rollback');

/** The stored form (0/1 booleans on SQLite, numbers as text from some drivers) as an evaluator value. */
export function decode(raw: unknown, type: string): unknown {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'boolean':
      return raw === true || raw === 1 || raw === '1' || raw === 't' || raw === 'true';
    case 'number':
    case 'timestamp':
    case 'duration':
      return typeof raw === 'number' ? raw : Number(raw);
    default:
      return raw;
  }
}

/** Whether a stored membership covers `asOf` (entered at or before it and not exited by then). */
export async function storedMembership(db: Executor, segment: string, customerId: string, asOf: number) {
  const row = await db
    .selectFrom('segment_memberships')
    .select(['entered_at', 'exited_at'])
    .where('segment', '=', segment)
    .where('customer_id', '=', customerId)
    .where('entered_at', '<=', asOf)
    .where((eb) => eb.or([eb('exited_at', 'is', null), eb('exited_at', '>', asOf)]))
    .orderBy('entered_at', 'desc')
    .executeTakeFirst();
  return row ? { enteredAt: Number(row.entered_at) } : undefined;
}
