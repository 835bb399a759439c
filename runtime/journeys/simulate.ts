/**
 * Simulating journeys and campaigns over [from, until] on a simulated clock, against a database,
 * without leaving any trace in it: the run goes through the real entries, steps, outbox, gates and
 * rendering, and its result is read back before everything is thrown away. On SQLite the run works
 * on a copy of the database file (VACUUM INTO a temporary file, removed afterwards); on PostgreSQL
 * it runs inside one transaction that is rolled back. `herald plan` forecasts a week of sends with
 * it, and the flagship's main job a month.
 */
import { workspaceSettings } from '../workspace-settings.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open.ts';
import { listDeliveries } from '../delivery/outbox.ts';
import { localDate } from '../delivery/local-time.ts';
import type { DeliveryRecord, Transport } from '../delivery/types.ts';
import { readClock, startClock } from './clock.ts';
import type { RunOptions, RunSummary } from './context.ts';
import { runJourneys } from './runner.ts';
import { DiscardingTransport } from './transports.ts';
import { addCount, nameTable } from '../../compiler/contract/core/own.ts';
import { rewindSegments } from '../segments/rewind.ts';

export interface SimulateOptions {
  from: number;
  until: number;
  /** Default: one minute. */
  resolutionMs?: number;
  segmentRefreshMs?: number;
  only?: RunOptions['only'];
  /** Where messages go (default: counted and discarded; a FileTransport writes a dry run's files). */
  transport?: Transport;
  /** The zone days are counted in (default: the workspace's). */
  timeZone?: string;
}

export interface Forecast {
  from: number;
  until: number;
  /** Messages that would be sent, in total and by local day, origin (`journey:x`, `campaign:y`) and template. */
  sent: number;
  byDay: Record<string, number>;
  byOrigin: Record<string, number>;
  byTemplate: Record<string, number>;
  /** origin → template → count. */
  byOriginTemplate: Record<string, Record<string, number>>;
  /** Sends that would be suppressed, by reason (holdouts included), and by origin and reason. */
  suppressed: Record<string, number>;
  suppressedByOrigin: Record<string, Record<string, number>>;
  /** The run's own summary (entries, exits, campaigns, problems). */
  run: RunSummary;
}

export async function simulate(db: Database, manifest: Manifest, options: SimulateOptions): Promise<Forecast> {
  return db.dialect === 'sqlite' ? onCopy(db, manifest, options) : inRolledBackTransaction(db, manifest, options);
}

async function onCopy(db: Database, manifest: Manifest, options: SimulateOptions): Promise<Forecast> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-simulate-'));
  const copyPath = join(dir, 'simulation.db');
  try {
    await sql`vacuum into ${copyPath}`.execute(db.kysely);
    const copy = openDatabase(`sqlite:${copyPath}`);
    try {
      return await simulateOn(copy, manifest, options);
    } finally {
      await copy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ROLLBACK = Symbol('simulation rolled back');

async function inRolledBackTransaction(db: Database, manifest: Manifest, options: SimulateOptions): Promise<Forecast> {
  let forecast: Forecast | undefined;
  try {
    await db.transaction(async (trx) => {
      // Everything the run does, nested transactions included, happens in this one.
      const bound: Database = {
        dialect: db.dialect,
        kysely: trx as unknown as Kysely<any>,
        description: db.description,
        transaction: (fn) => fn(trx),
        close: async () => undefined,
      };
      forecast = await simulateOn(bound, manifest, options);
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return forecast!;
}

/**
 * The simulation on `db` as it is, leaving the isolation to the caller: `herald plan` runs it
 * inside its own session that is rolled back (on SQLite too, with no copy of the file to make).
 */
export async function simulateOn(db: Database, manifest: Manifest, options: SimulateOptions): Promise<Forecast> {
  await rewindSegments(db, options.from);
  // The simulation starts at `from` (or where the database's clock already is, if later).
  const clock = await readClock(db.kysely);
  if (clock && clock.until < options.from) await db.kysely.updateTable('journey_run_clock').set({ until: options.from }).execute();
  if (!clock) await startClock(db.kysely, options.from);
  const before = new Set((await listDeliveries(db.kysely)).map((r) => r.idempotencyKey));
  const run = await runJourneys(db, manifest, {
    from: options.from,
    until: options.until,
    transport: options.transport ?? new DiscardingTransport(),
    workerId: 'simulation',
    ...(options.resolutionMs !== undefined ? { resolutionMs: options.resolutionMs } : {}),
    ...(options.segmentRefreshMs !== undefined ? { segmentRefreshMs: options.segmentRefreshMs } : {}),
    ...(options.only ? { only: options.only } : {}),
  });
  const records = (await listDeliveries(db.kysely)).filter((r) => !before.has(r.idempotencyKey));
  const zone = options.timeZone ?? workspaceZone(manifest);
  return tally(records, options, zone, run);
}

/**
 * Segment memberships as they stood at `from` (in the scratch copy only): the simulation then
 * materializes them forward on its own clock, so segment entries and campaign audiences inside the
 * window are as they would have been, even when the database was materialized later.
 */
function tally(records: readonly DeliveryRecord[], options: SimulateOptions, zone: string, run: RunSummary): Forecast {
  // Keyed by template and origin names (user-chosen): maps without prototype.
  const f: Forecast = {
    from: options.from,
    until: options.until,
    sent: 0,
    byDay: nameTable(),
    byOrigin: nameTable(),
    byTemplate: nameTable(),
    byOriginTemplate: nameTable(),
    suppressed: nameTable(),
    suppressedByOrigin: nameTable(),
    run,
  };
  const add = (m: Record<string, number>, k: string) => addCount(m, k);
  for (const r of records) {
    const origin = `${r.origin.kind}:${r.origin.name}`;
    if (r.status === 'sent') {
      f.sent++;
      add(f.byDay, localDate(r.sentAt ?? r.dueAt, zone));
      add(f.byOrigin, origin);
      add(f.byTemplate, r.template);
      add((f.byOriginTemplate[origin] ??= nameTable()), r.template);
    } else if (r.status === 'suppressed') {
      const reason = r.reason ?? 'unknown';
      add(f.suppressed, reason);
      add((f.suppressedByOrigin[origin] ??= nameTable()), reason);
    }
  }
  return f;
}

function workspaceZone(manifest: Manifest): string {
  return workspaceSettings(manifest).timezone;
}
