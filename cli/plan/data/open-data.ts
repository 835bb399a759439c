import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { openDatabase } from '../../../runtime/db/open.ts';
import { DatabaseUrlError, parseDatabaseUrl, redactUrl } from '../../../runtime/db/url.ts';
import { UsageError } from '../../command.ts';
import { chooseDatabase, databaseErrorReason } from '../../workspace-runtime.ts';
import type { DataSourceKind, PlanNote } from '../document.ts';
import { firstLine } from '../errors.ts';
import { openSampleDatabase } from './sample-database.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

/** `--data`: where audiences are counted. `auto` picks the configured database, else the sample data. */
export const DATA_MODES = ['auto', 'database', 'sample', 'none'] as const;
export type DataMode = (typeof DATA_MODES)[number];

export interface PlanData {
  source: DataSourceKind;
  description: string;
  reason?: string;
  db?: Database;
  notes: PlanNote[];
}

export interface OpenDataOptions {
  mode: DataMode;
  /** `--db`, when given. */
  flag?: string;
  env: NodeJS.ProcessEnv;
  head: Manifest;
  headRoot: string;
  /** Where the sample database may be created (removed with the plan's other throwaway files). */
  tmpDir: string;
  /** How long to wait for a database server before giving up on it. */
  connectTimeoutMs?: number;
}

/**
 * Picks and opens the data the plan counts audiences on:
 * - the configured database (`--db`, HERALD_DATABASE_URL, herald.yaml) when it exists and holds
 *   customers;
 * - with `auto`, when that database does not exist yet or is empty (a fresh CI checkout), the
 *   sample data the workspace ships: its Sources loaded from the workspace's files into a
 *   throwaway SQLite database;
 * - none, when the configured database cannot be reached: the plan then shows the definitions
 *   only and says why (a plan on other data than the one asked for would mislead a reviewer;
 *   `--data sample` asks for the sample data explicitly).
 */
export async function openPlanData(options: OpenDataOptions): Promise<PlanData> {
  if (options.mode === 'none') return { source: 'none', description: 'not asked for (--data none)', notes: [] };
  if (options.mode === 'sample') return sample(options, 'asked for with --data sample');
  const choice = chooseDatabase(options.flag, options.env, options.head);
  let location;
  try {
    location = parseDatabaseUrl(choice.url, options.headRoot);
  } catch (e) {
    if (!(e instanceof DatabaseUrlError)) throw e;
    if (choice.origin === '--db') throw new UsageError(`--db: ${e.message}`);
    return unreachable(`${choice.origin}: ${e.message}`);
  }
  const where = redactUrl(choice.url);
  if (location.dialect === 'sqlite' && location.path !== ':memory:' && !existsSync(location.path)) {
    const why = `the database ${where} does not exist yet`;
    return options.mode === 'auto' ? sample(options, why) : unreachable(why);
  }
  const db = openDatabase(choice.url, { baseDir: options.headRoot, maxConnections: 1 });
  const probe = await probeCustomers(db, options.connectTimeoutMs ?? 15_000);
  if (probe.error !== undefined) {
    void db.close().catch(() => undefined);
    return unreachable(`cannot use the database ${where}: ${probe.error}`);
  }
  if (probe.customers === 0 && options.mode === 'auto') {
    await db.close();
    return sample(options, `the database ${where} holds no customers`);
  }
  return { source: 'database', description: db.description, reason: `from ${choice.origin}`, db, notes: [] };
}

async function sample(options: OpenDataOptions, why: string): Promise<PlanData> {
  let opened;
  try {
    opened = await openSampleDatabase(options.head, options.headRoot, options.tmpDir);
  } catch (e) {
    return none(`${why}, and the sample data could not be loaded: ${firstLine(e)}`, 'HL559', 'warning');
  }
  if (!opened) return none(`${why}, and the workspace has no Source to load sample data from`, 'HL554', 'info');
  const notes: PlanNote[] = [];
  const failed = opened.summary.files.filter((f) => f.status === 'failed' || f.status === 'missing');
  if (failed.length > 0) {
    notes.push({
      code: 'HL559',
      severity: 'warning',
      message: messageOf('HL559', { incomplete: failed }),
    });
  }
  const t = opened.summary.totals;
  return {
    source: 'sample',
    description: `the workspace's sample data (${t.accepted.toLocaleString('en-US')} rows from its Sources, in a throwaway SQLite database)`,
    reason: why,
    db: opened.db,
    notes,
  };
}

function unreachable(why: string): PlanData {
  return none(why, 'HL554', 'warning');
}

function none(why: string, code: 'HL554' | 'HL559', severity: PlanNote['severity']): PlanData {
  return {
    source: 'none',
    description: 'no data',
    reason: why,
    notes: [{ code, severity, message: code === 'HL554' ? messageOf('HL554', { why }) : messageOf('HL559', { withoutData: why }) }],
  };
}

/** Customers in the database, or why it cannot be used (unreachable, not a Herald database…). */
async function probeCustomers(db: Database, timeoutMs: number): Promise<{ customers?: number; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ error: `no answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
  });
  const attempt = (async () => {
    try {
      await sql`select 1`.execute(db.kysely);
    } catch (e) {
      return { error: connectionReason(e) };
    }
    try {
      const row = await db.kysely.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      return { customers: Number(row?.n ?? 0) };
    } catch {
      return { customers: 0 }; // no Herald schema yet: an empty database
    }
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function connectionReason(e: unknown): string {
  return databaseErrorReason(e) ?? ((e as { code?: string }).code === 'ETIMEDOUT' ? 'the connection timed out' : firstLine(e));
}
