import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { canonicalJson } from '../../compiler/4-emit/canonical-json.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { parseDatabaseUrl, redactUrl } from '../../runtime/db/url.ts';
import { segmentsOf, traitsOf, traitTableSpecs } from '../../runtime/manifest.ts';
import { databaseRenderInput, type RenderInput } from '../../runtime/render/index.ts';
import { lastMaterializedAt } from '../../runtime/segments/customer-context.ts';
import { explainCustomer, type CustomerExplanation } from '../../runtime/segments/explain.ts';
import { materializeSegment } from '../../runtime/segments/memberships.ts';
import { materializeTraits } from '../../runtime/segments/traits.ts';
import { chooseDatabase } from '../workspace-runtime.ts';
import { latestEventAt, openSampleDatabase } from '../plan/data/sample-database.ts';
import { manifestSources } from '../../runtime/ingest/workspace.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskFields, personalFields } from '../../compiler/contract/personal-data.ts';

/** How many members a segment page shows. */
export const MEMBER_SAMPLE = 5;

/** A segment's live size and a few of its members, their personal fields masked. */
export interface SegmentCount {
  members: number;
  sample: Array<Record<string, unknown>>;
}

export interface LiveCounts {
  asOf: number;
  segments: Map<string, SegmentCount>;
  /** Why counting failed, when it did (HL564). */
  problem?: string;
}

/** A journey's entries in the preview database: where active ones are, and why finished ones left. */
export interface JourneyCounts {
  entered: number;
  atStep: Map<string, number>;
  exited: Map<string, number>;
}

/**
 * The database `herald dev` previews with: live segment counts and members, explanations and
 * templates rendered for real customers. Used only when one is configured (`--db`,
 * HERALD_DATABASE_URL, a PostgreSQL `database` in herald.yaml) or the workspace's SQLite file
 * exists: the preview never creates a database. Counting never changes stored data: traits and
 * memberships are computed in a transaction that is rolled back.
 */
export class PreviewDatabase {
  private db: Database | undefined;
  private opening: Promise<Database> | undefined;
  private syncedFor: string | undefined;
  private counts: { key: string; value: Promise<LiveCounts> } | undefined;
  /** The last problem opening or syncing it (HL560), shown on the pages. */
  problem: string | undefined;

  /** Set for the throwaway database loaded from the workspace's own data files: its folder. */
  private tmpDir: string | undefined;

  constructor(
    readonly url: string,
    private readonly root: string,
    private readonly fixedAsOf?: number,
    /** Load the workspace's data files into a throwaway database (as `herald plan` does) instead of opening `url`. */
    private readonly fromWorkspaceFiles = false,
  ) {}

  get description(): string {
    return this.fromWorkspaceFiles ? "the workspace's data files (a throwaway database)" : redactUrl(this.url);
  }

  /** The first customers by id, for template pages that have no preview customers of their own. */
  async firstCustomers(manifest: Manifest, count: number): Promise<string[]> {
    const db = await this.ready(manifest);
    if (!db) return [];
    const rows = await db.kysely.selectFrom('customers').select('id').orderBy('id').limit(count).execute();
    return rows.map((r) => String(r.id));
  }

  /**
   * The preview database for a workspace, or undefined when none is configured or exists yet.
   * A bad URL (from --db or herald.yaml) is reported by the caller.
   */
  static choose(
    flag: string | undefined,
    env: NodeJS.ProcessEnv,
    manifest: Manifest | undefined,
    root: string,
    asOf?: number,
  ): PreviewDatabase | undefined {
    if (!manifest)
      return flag
        ? new PreviewDatabase(flag, root, asOf)
        : env.HERALD_DATABASE_URL
          ? new PreviewDatabase(env.HERALD_DATABASE_URL, root, asOf)
          : undefined;
    const choice = chooseDatabase(flag, env, manifest);
    if (choice.origin === '--db' || choice.origin === 'HERALD_DATABASE_URL') return new PreviewDatabase(choice.url, root, asOf);
    let location;
    try {
      location = parseDatabaseUrl(choice.url, root);
    } catch {
      return new PreviewDatabase(choice.url, root, asOf); // opening reports the bad URL (HL560)
    }
    if (location.dialect === 'postgres') return new PreviewDatabase(choice.url, root, asOf);
    if (location.path !== ':memory:' && existsSync(location.path)) return new PreviewDatabase(choice.url, root, asOf);
    // No database yet: the workspace's own data files, loaded once into a throwaway one.
    if (manifestSources(manifest).length > 0) return new PreviewDatabase('sqlite::memory:', root, asOf, true);
    return undefined;
  }

  /** The database with its schema brought up to the manifest's data model; undefined (with `problem` set) when that fails. */
  async ready(manifest: Manifest): Promise<Database | undefined> {
    try {
      const db = await this.open(manifest);
      const schemaKey = canonicalJson([manifest.dataModel, traitTableSpecs(manifest)]);
      if (this.syncedFor !== schemaKey) {
        await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
        this.syncedFor = schemaKey;
      }
      this.problem = undefined;
      return db;
    } catch (e) {
      this.problem = `cannot use the preview database ${this.description}: ${(e as Error).message}`;
      return undefined;
    }
  }

  /**
   * The instant previews are computed as of: --as-of, else the last `herald segments` run, else the
   * current minute (so that pages opened within a minute share one count of a large database).
   */
  async asOf(db: Database): Promise<number> {
    if (this.fixedAsOf !== undefined) return this.fixedAsOf;
    // Static data files: "now" is their last event, so recent-activity rules see what they hold.
    if (this.fromWorkspaceFiles) return (await latestEventAt(db)) ?? Math.floor(Date.now() / 60_000) * 60_000;
    return (await lastMaterializedAt(db.kysely)) ?? Math.floor(Date.now() / 60_000) * 60_000;
  }

  /** Every segment's live count and member sample, remembered per manifest and instant. */
  async liveCounts(manifest: Manifest): Promise<LiveCounts | undefined> {
    const db = await this.ready(manifest);
    if (!db) return undefined;
    const asOf = await this.asOf(db);
    const key = `${manifest.metadata.generated_from}@${asOf}`;
    if (this.counts?.key !== key) this.counts = { key, value: countSegments(db, manifest, asOf) };
    return this.counts.value;
  }

  async explain(manifest: Manifest, customerId: string, segment: string): Promise<CustomerExplanation | undefined> {
    const db = await this.ready(manifest);
    if (!db) return undefined;
    return explainCustomer(db, manifest, customerId, { asOf: await this.asOf(db), segments: [segment] });
  }

  async renderInput(manifest: Manifest, compiled: CompiledTemplate, customerId: string): Promise<RenderInput | undefined> {
    const db = await this.ready(manifest);
    if (!db) return undefined;
    return databaseRenderInput(db, manifest, compiled, customerId, await this.asOf(db));
  }

  /** How many entries of a journey are at each step now, and how many left, by reason. */
  async journeyCounts(manifest: Manifest, journey: string): Promise<JourneyCounts | undefined> {
    const db = await this.ready(manifest);
    if (!db) return undefined;
    const rows = await db.kysely
      .selectFrom('journey_entries')
      .select(['status', 'step', 'exit_reason', (eb) => eb.fn.countAll().as('n')])
      .where('journey', '=', journey)
      .groupBy(['status', 'step', 'exit_reason'])
      .execute();
    const counts: JourneyCounts = { entered: 0, atStep: new Map(), exited: new Map() };
    for (const row of rows) {
      const n = Number(row.n);
      counts.entered += n;
      if (row.status === 'active') counts.atStep.set(String(row.step), (counts.atStep.get(String(row.step)) ?? 0) + n);
      else counts.exited.set(String(row.exit_reason ?? 'completed'), (counts.exited.get(String(row.exit_reason ?? 'completed')) ?? 0) + n);
    }
    return counts;
  }

  /** Whether a customer with this id is in the database. */
  async hasCustomer(manifest: Manifest, customerId: string): Promise<boolean> {
    const db = await this.ready(manifest);
    if (!db) return false;
    const row = await db.kysely.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
    return row !== undefined;
  }

  async close(): Promise<void> {
    const db = this.db ?? (await this.opening?.catch(() => undefined));
    this.db = undefined;
    this.opening = undefined;
    await db?.close().catch(() => undefined);
    if (this.tmpDir) rmSync(this.tmpDir, { recursive: true, force: true });
    this.tmpDir = undefined;
  }

  private async open(manifest: Manifest): Promise<Database> {
    if (this.db) return this.db;
    if (this.fromWorkspaceFiles) {
      this.opening ??= (async () => {
        this.tmpDir ??= mkdtempSync(join(tmpdir(), 'herald-dev-'));
        const sample = await openSampleDatabase(manifest, this.root, this.tmpDir);
        if (!sample) throw new Error('the workspace has no Source to load data files from');
        this.db = sample.db;
        return sample.db;
      })();
    }
    this.opening ??= (async () => {
      const db = openDatabase(this.url, { baseDir: this.root });
      try {
        await migrate(db);
      } catch (e) {
        await db.close().catch(() => undefined);
        throw e;
      }
      this.db = db;
      return db;
    })();
    try {
      return await this.opening;
    } catch (e) {
      this.opening = undefined;
      throw e;
    }
  }
}

/**
 * The preview database, looked for again after each good build until there is one: a workspace's
 * SQLite file appears with its first `herald ingest`, and a preview that is already running
 * starts using it.
 */
export class PreviewDatabaseSlot {
  private current: PreviewDatabase | undefined;

  constructor(private readonly choose: (manifest: Manifest | undefined) => PreviewDatabase | undefined) {}

  get(manifest: Manifest | undefined): PreviewDatabase | undefined {
    return (this.current ??= this.choose(manifest));
  }

  async close(): Promise<void> {
    await this.current?.close();
  }
}

const ROLLBACK = Symbol('rollback');

/** Materializes traits and segments as of `asOf` in a transaction, reads counts and samples, and rolls back. */
async function countSegments(db: Database, manifest: Manifest, asOf: number): Promise<LiveCounts> {
  const segments = new Map<string, SegmentCount>();
  const pii = personalFields(manifest.dataModel);
  try {
    await db.transaction(async (trx) => {
      await materializeTraits(trx, db.dialect, traitsOf(manifest), asOf);
      for (const segment of segmentsOf(manifest)) {
        const run = await materializeSegment(trx, db.dialect, segment, asOf, undefined);
        const members = await sql<{ customer_id: string }>`
          select customer_id from segment_memberships
          where segment = ${segment.name} and exited_at is null
          order by customer_id limit ${MEMBER_SAMPLE}`.execute(trx);
        const ids = members.rows.map((r) => String(r.customer_id));
        const rows = ids.length === 0 ? [] : await trx.selectFrom('customers').selectAll().where('id', 'in', ids).orderBy('id').execute();
        segments.set(segment.name, { members: run.members, sample: rows.map((row) => maskFields(row, pii)) });
      }
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) return { asOf, segments, problem: (e as Error).message };
  }
  return { asOf, segments };
}
