import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { Database } from '../db/database.ts';
import type { SourceBlock } from '../../compiler/contract/source.ts';
import type { RowRuleCompiler } from './row-rules.ts';
import { compileRowMapper } from './map-row.ts';
import { matchFiles, readForIngest, type FileContent } from './files.ts';
import { loadFile } from './load-file.ts';
import { checkLoad, type Anomaly, type FileStats } from './monitor.ts';
import { ensureIngestTables, openStore, type IngestStore } from './store/index.ts';
import { RecentLoads } from './recent-loads.ts';
import { summarize, type FileSummary, type IngestSummary } from './summary.ts';
import { Identity } from './identity.ts';
import { ForgottenCustomers } from './forgotten.ts';
import { WriteCache } from './write-cache.ts';
import { acquireIngestLock, type IngestLock } from './lock.ts';

export interface IngestOptions {
  db: Database;
  /** The workspace root: Source `files` globs are relative to it. */
  root: string;
  dataModel: DataModel;
  /** The Sources to load, in order (the manifest's Source blocks). */
  sources: SourceBlock[];
  /** Turns a mapping rule into a function of the row (the rule evaluator's row mode). */
  compileRule: RowRuleCompiler;
  /** Injected clock (customers.updated_at, loaded_at): bookkeeping only, never rule semantics. */
  now?: () => number;
  /** Only these sources (by name); all when absent. */
  only?: string[];
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { kind: 'file-start'; source: string; path: string; index: number; total: number; bytes: number }
  | { kind: 'rows'; source: string; path: string; rows: number }
  | { kind: 'file-end'; file: FileSummary }
  /** PostgreSQL: another ingest is loading this Source; this one waits for it (see lock.ts). */
  | { kind: 'waiting'; source: string };

/**
 * Loads every Source of a workspace into the database, file by file, each file in its own
 * transaction: an interrupted run leaves every file either fully loaded or as it was before.
 * A file whose content hash is recorded is skipped; a changed file replaces what it loaded before
 * (its events and rejects) in the same transaction, so nothing is duplicated. The database must
 * be migrated and synced with the data model first (runtime/db migrate + syncSchema).
 */
export async function ingestSources(options: IngestOptions): Promise<IngestSummary> {
  const { db } = options;
  const now = options.now ?? Date.now;
  // Before anything is read: what is loaded already is decided under the lock (lock.ts).
  const lock = await acquireIngestLock(db, (source) => options.onProgress?.({ kind: 'waiting', source }));
  try {
    return await ingestLocked(options, lock, now);
  } finally {
    await lock.release();
  }
}

async function ingestLocked(options: IngestOptions, lock: IngestLock, now: () => number): Promise<IngestSummary> {
  const { db, dataModel } = options;
  await ensureIngestTables(db);
  const store = openStore(db, dataModel);
  const forgotten = await ForgottenCustomers.load(db);
  const cache = new WriteCache();
  const files: FileSummary[] = [];
  const anomalies: Anomaly[] = [];
  const emailField = dataModel.customers.mergeByEmail
    ? Object.entries(dataModel.customers.fields).find(([, f]) => f.type === 'email')?.[0]
    : undefined;

  try {
    await loadSources(options, store, lock, { files, anomalies, forgotten, cache, emailField, now });
  } finally {
    await store.finish();
  }
  return summarize(files, anomalies);
}

interface RunState {
  files: FileSummary[];
  anomalies: Anomaly[];
  forgotten: ForgottenCustomers;
  cache: WriteCache;
  emailField: string | undefined;
  now: () => number;
}

async function loadSources(options: IngestOptions, store: IngestStore, lock: IngestLock, run: RunState): Promise<void> {
  for (const source of options.sources) {
    if (options.only && !options.only.includes(source.name)) continue;
    await lock.forSource(source.name, () => loadSource(options, store, source, run));
  }
}

async function loadSource(options: IngestOptions, store: IngestStore, source: SourceBlock, run: RunState): Promise<void> {
  const { root, dataModel } = options;
  const { files, anomalies, forgotten, cache, emailField, now } = run;
  const mapRow = compileRowMapper(source, dataModel, options.compileRule);
  const matched = matchFiles(root, source.files);
  const recent = new RecentLoads(source.monitor.window + 1, await store.history(source.name, source.monitor.window + 1));
  for (const pattern of matched.missing) {
    files.push(emptySummary(source.name, pattern, 'missing', 'no file matches this pattern'));
  }
  for (const { path, message } of matched.refused) files.push(emptySummary(source.name, path, 'failed', message));
  let index = 0;
  for (const path of matched.files) {
    index++;
    const absPath = join(root, path);
    const bytes = statSync(absPath).size;
    options.onProgress?.({ kind: 'file-start', source: source.name, path, index, total: matched.files.length, bytes });
    const summary = await ingestFile(store, {
      source,
      dataModel,
      path,
      absPath,
      bytes,
      mapRow,
      emailField,
      forgotten,
      cache,
      now,
      anomalies,
      recent,
      onProgress: options.onProgress,
    });
    files.push(summary);
    options.onProgress?.({ kind: 'file-end', file: summary });
  }
}

interface FileJob {
  source: SourceBlock;
  dataModel: DataModel;
  path: string;
  absPath: string;
  bytes: number;
  mapRow: ReturnType<typeof compileRowMapper>;
  emailField: string | undefined;
  forgotten: ForgottenCustomers;
  cache: WriteCache;
  now: () => number;
  anomalies: Anomaly[];
  /** The source's latest loads by path, kept in step with the database during the run. */
  recent: RecentLoads;
  onProgress: IngestOptions['onProgress'];
}

async function ingestFile(store: IngestStore, job: FileJob): Promise<FileSummary> {
  const { source, path } = job;
  let content: FileContent;
  try {
    content = await readForIngest(job.absPath, job.bytes);
  } catch (e) {
    return emptySummary(source.name, path, 'failed', `cannot read: ${(e as Error).message}`);
  }
  const { sha256 } = content;
  const before = await store.fileRecord(source.name, path);
  if (before && before.sha256 === sha256) {
    return emptySummary(source.name, path, 'skipped', `unchanged since it was loaded (${before.rows} rows)`);
  }
  const history: FileStats[] = job.recent.statsExcept(path);
  try {
    const load = await store.inTransaction(async (tx) => {
      if (before) await tx.unloadFile(source.name, path, eventSourceOf(source.name, path));
      const identity = await Identity.load(tx, job.emailField);
      const result = await loadFile(tx, {
        source,
        model: job.dataModel,
        path,
        absPath: job.absPath,
        ...(content.bytes ? { bytes: content.bytes } : {}),
        eventSource: eventSourceOf(source.name, path),
        mapRow: job.mapRow,
        identity,
        forgotten: job.forgotten,
        cache: job.cache,
        now: job.now(),
        onRows: (rows) => job.onProgress?.({ kind: 'rows', source: source.name, path, rows }),
      });
      const record = {
        source: source.name,
        path,
        sha256,
        rows: result.stats.rows,
        loaded: result.accepted,
        rejected: result.stats.rejected,
        stats: JSON.stringify(result.stats),
        loaded_at: job.now(),
      };
      await tx.recordFile(record);
      return { ...result, record };
    });
    job.recent.add(load.record, load.stats);
    job.anomalies.push(...checkLoad(source.name, path, load.stats, history, source.monitor));
    const status = job.bytes === 0 ? 'empty' : before ? 'reloaded' : 'loaded';
    return {
      source: source.name,
      path,
      status,
      rows: load.stats.rows,
      accepted: load.accepted,
      rejected: load.stats.rejected,
      rejectedByReason: load.rejectedByReason,
      eventsInserted: load.eventsInserted,
      ...(status === 'empty' ? { message: 'the file is empty (not even a header)' } : {}),
    };
  } catch (e) {
    // The rollback undid this file's writes: forget what they were.
    job.cache.clear();
    return emptySummary(source.name, path, 'failed', (e as Error).message);
  }
}

/** The `events.source` of a file's events: which file loaded them, so a reload can replace them. */
export function eventSourceOf(source: string, path: string): string {
  return `${source}:${path}`;
}

function emptySummary(source: string, path: string, status: FileSummary['status'], message?: string): FileSummary {
  return {
    source,
    path,
    status,
    rows: 0,
    accepted: 0,
    rejected: 0,
    rejectedByReason: {},
    eventsInserted: 0,
    ...(message ? { message } : {}),
  };
}
