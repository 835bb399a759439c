import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../db/database.ts';
import type { ModelStore, ModelVersion, RecommendationRow, ScoreRow } from './types.ts';

/** Rows per insert statement: under SQLite's bound-parameter limit with six columns. */
const CHUNK = 5000;

/**
 * The model store in the workspace database (tables of migration 003_models): versions with
 * metrics and weights, the active pointer, scores and recommendations. Report files (Markdown,
 * SVG, JSON) go to `reportDir`/<model>/v<N>/, and their paths are recorded on the version.
 */
export class DatabaseModelStore implements ModelStore {
  constructor(
    private readonly db: Database,
    readonly root: string,
  ) {}

  async save(
    version: Omit<ModelVersion, 'version' | 'reports'>,
    reports: (version: number) => ReadonlyMap<string, string>,
  ): Promise<ModelVersion> {
    return this.db.transaction(async (trx) => {
      const row = await trx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('model', '=', version.model)
        .executeTakeFirst();
      const number = Number(row?.v ?? 0) + 1;
      const paths = await this.writeReports(version.model, number, reports(number));
      const full: ModelVersion = { ...version, version: number, reports: paths };
      await trx
        .insertInto('model_versions')
        .values({
          model: full.model,
          version: number,
          created_at: Date.parse(full.createdAt),
          spec_hash: full.specHash,
          data_fingerprint: full.dataFingerprint,
          cutoff: Date.parse(full.cutoff),
          as_of: Date.parse(full.asOf),
          passed: this.db.dialect === 'sqlite' ? (full.passed ? 1 : 0) : full.passed,
          metrics: json(full.metrics),
          // The reference model's figures ride in the baseline document (one column for both).
          baseline: json(full.reference ? { ...full.baseline, reference: full.reference } : full.baseline),
          reasons: json(full.reasons),
          reports: json(full.reports),
          artifact: JSON.stringify(full.artifact),
        })
        .execute();
      return full;
    });
  }

  /** Report files live on disk beside the database, under `root`/<model>/v<N>/. */
  async writeReports(model: string, version: number, files: ReadonlyMap<string, string>): Promise<string[]> {
    const paths: string[] = [];
    for (const [name, content] of files) {
      const file = join(this.root, model, `v${version}`, name);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(`${file}.tmp`, content);
      renameSync(`${file}.tmp`, file);
      paths.push(`${model}/v${version}/${name}`);
    }
    return paths;
  }

  async versions(model: string): Promise<ModelVersion[]> {
    const rows = await this.db.kysely.selectFrom('model_versions').selectAll().where('model', '=', model).orderBy('version').execute();
    return rows.map(decodeVersion);
  }

  async get(model: string, version: number): Promise<ModelVersion | undefined> {
    const row = await this.db.kysely
      .selectFrom('model_versions')
      .selectAll()
      .where('model', '=', model)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? decodeVersion(row) : undefined;
  }

  async active(model: string): Promise<ModelVersion | undefined> {
    const row = await this.db.kysely.selectFrom('model_active').select('version').where('model', '=', model).executeTakeFirst();
    return row ? this.get(model, Number(row.version)) : undefined;
  }

  async activate(model: string, version: number): Promise<void> {
    if (!(await this.get(model, version))) throw new Error(`model ${model} has no version ${version}`);
    await this.db.transaction(async (trx) => {
      await trx.deleteFrom('model_active').where('model', '=', model).execute();
      await trx.insertInto('model_active').values({ model, version }).execute();
    });
  }

  async writeScores(model: string, version: number, rows: readonly ScoreRow[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx.deleteFrom('model_scores').where('model', '=', model).execute();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const values = rows
          .slice(i, i + CHUNK)
          .map((r) => ({ model, customer_id: r.customerId, score: r.score, tier: r.tier, cluster: r.cluster, version }));
        await trx.insertInto('model_scores').values(values).execute();
      }
    });
  }

  async readScores(model: string): Promise<Array<ScoreRow & { version: number }>> {
    const rows = await this.db.kysely.selectFrom('model_scores').selectAll().where('model', '=', model).orderBy('customer_id').execute();
    return rows.map((r) => ({
      customerId: String(r.customer_id),
      score: r.score === null ? null : Number(r.score),
      tier: r.tier === null ? null : String(r.tier),
      cluster: r.cluster === null ? null : Number(r.cluster),
      version: Number(r.version),
    }));
  }

  async writeRecommendations(model: string, version: number, rows: readonly RecommendationRow[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx.deleteFrom('model_recommendations').where('model', '=', model).execute();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const values = rows
          .slice(i, i + CHUNK)
          .map((r) => ({ model, customer_id: r.customerId, rank: r.rank, item_id: r.itemId, score: r.score, version }));
        await trx.insertInto('model_recommendations').values(values).execute();
      }
    });
  }

  async readRecommendations(model: string): Promise<Array<RecommendationRow & { version: number }>> {
    const rows = await this.db.kysely
      .selectFrom('model_recommendations')
      .selectAll()
      .where('model', '=', model)
      .orderBy('customer_id')
      .orderBy('rank')
      .execute();
    return rows.map((r) => ({
      customerId: String(r.customer_id),
      rank: Number(r.rank),
      itemId: String(r.item_id),
      score: Number(r.score),
      version: Number(r.version),
    }));
  }
}

/** Metrics may hold NaN (a metric that could not be measured); JSON has no NaN, so it is stored as null. */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

function decodeVersion(r: Record<string, unknown>): ModelVersion {
  const nanFor = (o: Record<string, number | null>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? NaN : v]));
  type Figures = { name: string; metrics: Record<string, number | null> };
  const baseline = JSON.parse(String(r.baseline)) as Figures & { reference?: Figures };
  return {
    model: String(r.model),
    version: Number(r.version),
    createdAt: new Date(Number(r.created_at)).toISOString(),
    specHash: String(r.spec_hash),
    dataFingerprint: String(r.data_fingerprint),
    cutoff: new Date(Number(r.cutoff)).toISOString(),
    asOf: new Date(Number(r.as_of)).toISOString(),
    passed: r.passed === true || r.passed === 1,
    metrics: nanFor(JSON.parse(String(r.metrics))),
    baseline: { name: baseline.name, metrics: nanFor(baseline.metrics) },
    ...(baseline.reference ? { reference: { name: baseline.reference.name, metrics: nanFor(baseline.reference.metrics) } } : {}),
    reasons: JSON.parse(String(r.reasons)) as string[],
    reports: JSON.parse(String(r.reports)) as string[],
    artifact: JSON.parse(String(r.artifact)) as ModelVersion['artifact'],
  };
}
