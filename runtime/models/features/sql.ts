import { createHash } from 'node:crypto';
import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { CompiledQuery } from '../../../compiler/contract/compiled-sql.ts';
import { runCompiled } from '../../db/compiled.ts';
import type { Database, Executor } from '../../db/database.ts';
import { traitsOf } from '../../manifest.ts';
import { materializeTraits } from '../../segments/traits.ts';
import { toBoolean } from '../../eval/values.ts';
import { matrix, toNumber } from '../matrix.ts';
import type { Interaction, ItemInfo } from '../recommend/data.ts';
import type { ItemObservation } from '../recommend/point-in-time.ts';
import type { FeatureSource, Snapshot, SnapshotOptions } from './source.ts';

/**
 * Features and labels from the database: each is the SQL the Model emitter compiled (one query
 * per feature, `select customer_id, value` for every customer as of the `as_of` parameter, ordered
 * by customer id). Point-in-time by construction: aggregates only see `at <= as_of` (the label's
 * `within next` window looks after it). Traits a feature reads are rebuilt as of the cut-off
 * inside a transaction that is rolled back, so their stored tables never change.
 */
export class SqlFeatureSource implements FeatureSource {
  constructor(
    private readonly db: Database,
    private readonly manifest: Manifest,
    private readonly spec: ModelJobSpec,
  ) {}

  async snapshot(asOf: Date, options: SnapshotOptions): Promise<Snapshot> {
    const names = this.spec.features.map((f) => f.name);
    const compiled = (what: string, f: { sql?: Record<string, CompiledQuery> } | undefined): CompiledQuery => {
      const q = f?.sql?.[this.db.dialect];
      if (!q) throw new Error(`${what} of model ${this.spec.name} has no compiled SQL; run \`herald compile\``);
      return q;
    };
    const queries: CompiledQuery[] = this.spec.features.map((f) => compiled(`feature ${f.name}`, f));
    if (options.label) queries.push(compiled('the label', this.spec.label));
    const population = this.spec.population ? compiled('the population', this.spec.population) : undefined;
    const at = asOf.getTime();
    const run = async (executor: Executor) => {
      const columns: Array<Map<string, unknown>> = [];
      let ids: string[] | undefined;
      for (const q of queries) {
        const { rows } = await runCompiled<{ customer_id: string; value: unknown }>(executor, this.db.dialect, q, { as_of: at });
        ids ??= rows.map((r) => String(r.customer_id));
        columns.push(new Map(rows.map((r) => [String(r.customer_id), r.value])));
      }
      if (!ids) ids = (await executor.selectFrom('customers').select('id').orderBy('id').execute()).map((r) => String(r.id));
      let members: Set<string> | undefined;
      if (population) {
        const { rows } = await runCompiled<{ customer_id: string; value: unknown }>(executor, this.db.dialect, population, { as_of: at });
        members = new Set(rows.filter((r) => toBoolean(r.value) === true).map((r) => String(r.customer_id)));
      }
      return { ids, columns, members };
    };
    const { ids: allIds, columns, members } = this.spec.traits?.length ? await this.withTraitsAsOf(at, run) : await run(this.db.kysely);
    const wanted = options.customerIds ? new Set(options.customerIds) : undefined;
    const known = options.knownOnly ? await this.customersWithEventsBy(at) : undefined;
    const ids = allIds.filter((id) => (!wanted || wanted.has(id)) && (!members || members.has(id)) && (!known || known.has(id)));
    const x = matrix(ids.length, names.length);
    const stringFeatures = new Set<string>();
    const labels = options.label ? new Float64Array(ids.length) : undefined;
    ids.forEach((id, i) => {
      names.forEach((name, j) => {
        const v = toNumber(decode(columns[j]!.get(id)));
        if (v === 'string') stringFeatures.add(name);
        x.data[i * names.length + j] = v === 'string' ? NaN : v;
      });
      if (labels) {
        const v = toNumber(decode(columns[names.length]!.get(id)));
        labels[i] = v === 'string' ? NaN : v;
      }
    });
    return { names, customerIds: ids, x, ...(labels ? { labels } : {}), stringFeatures: [...stringFeatures] };
  }

  async interactions(weights: Readonly<Record<string, number>>, itemProperty: string, to: Date, from?: Date): Promise<Interaction[]> {
    const types = Object.keys(weights).filter((t) => t in this.manifest.dataModel.events);
    if (types.length === 0) return [];
    let q = this.db.kysely
      .selectFrom('events')
      .select(['customer_id', 'type', 'at', `${itemProperty} as item`])
      .where('type', 'in', types)
      .where('at', '<=', to.getTime())
      .where(itemProperty, 'is not', null);
    if (from) q = q.where('at', '>', from.getTime());
    const rows = await q.orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({
      customerId: String(r.customer_id),
      itemId: String(r.item),
      weight: weights[String(r.type)]!,
      at: Number(r.at),
    }));
  }

  async items(): Promise<ItemInfo[]> {
    const rows = await this.db.kysely.selectFrom('items').selectAll().orderBy('id').execute();
    return rows.map(({ id, ...attributes }) => ({ id: String(id), attributes }));
  }

  async itemObservations(types: readonly string[], itemProperty: string, property: string, to: Date): Promise<ItemObservation[]> {
    const events = this.manifest.dataModel.events;
    const numeric = (t: string) => ['number', 'integer'].includes(events[t]?.[property]?.type ?? '');
    const withIt = types.filter((t) => t in events && numeric(t));
    if (withIt.length === 0) return [];
    const rows = await this.db.kysely
      .selectFrom('events')
      .select(['at', `${itemProperty} as item`, `${property} as value`])
      .where('type', 'in', withIt)
      .where('at', '<=', to.getTime())
      .where(itemProperty, 'is not', null)
      .where(property, 'is not', null)
      .orderBy('at')
      .orderBy('id')
      .execute();
    const out: ItemObservation[] = [];
    for (const r of rows) {
      const value = Number(r.value);
      if (Number.isFinite(value)) out.push({ itemId: String(r.item), at: Number(r.at), value });
    }
    return out;
  }

  private async customersWithEventsBy(at: number): Promise<Set<string>> {
    const rows = await this.db.kysely.selectFrom('events').select('customer_id').distinct().where('at', '<=', at).execute();
    return new Set(rows.map((r) => String(r.customer_id)));
  }

  async dataEnd(): Promise<Date | undefined> {
    const row = await this.db.kysely
      .selectFrom('events')
      .select((eb) => eb.fn.max('at').as('at'))
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? undefined : new Date(Number(row.at));
  }

  /** Counts and extremes of every table rules read: cheap, and any ingest moves at least one. */
  async fingerprint(): Promise<string> {
    const k = this.db.kysely;
    const events = await k
      .selectFrom('events')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('at').as('max_at'), eb.fn.min('at').as('min_at'), eb.fn.max('id').as('max_id')])
      .executeTakeFirst();
    const customers = await k
      .selectFrom('customers')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('updated_at').as('updated')])
      .executeTakeFirst();
    const items = await k
      .selectFrom('items')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return createHash('sha256')
      .update(JSON.stringify([events, customers, items], (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
      .digest('hex');
  }

  private async withTraitsAsOf<T>(asOf: number, fn: (executor: Executor) => Promise<T>): Promise<T> {
    let result: T | undefined;
    await this.db
      .transaction(async (trx) => {
        await materializeTraits(trx, this.db.dialect, traitsOf(this.manifest), asOf);
        result = await fn(trx);
        throw ROLLBACK;
      })
      .catch((e) => {
        if (e !== ROLLBACK) throw e;
      });
    return result!;
  }
}

const ROLLBACK = Symbol('rollback');

/** Numbers may arrive as text (PostgreSQL returns bigint and numeric so); the type checker already rejected text features. */
function decode(raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  return raw;
}
