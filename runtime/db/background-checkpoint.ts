import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from './database.ts';

/** How often the worker copies the log into the database file. */
const EVERY_MS = 200;
/**
 * The serving connection's own checkpoint, kept as a backstop for a log the worker cannot keep up
 * with (SQLite's default is 1,000 pages; bulk loads raise it to 16,384).
 */
const BACKSTOP_PAGES = 65_536;

export interface BackgroundCheckpoints {
  /** Ends the worker and gives the connection its own checkpoints back. */
  stop(): Promise<void>;
}

/**
 * SQLite in WAL mode copies the log back into the database file (a checkpoint) inside the commit
 * that takes the log past `wal_autocheckpoint` pages: that commit then holds the event loop of
 * `herald serve` for tens of milliseconds while every request waits. Here a worker thread with its
 * own connection checkpoints every 200 ms instead, on another core. Commits stay exactly as
 * durable: a checkpoint only moves committed pages from the log into the database file. None for
 * PostgreSQL, an in-memory database or a journal that is not WAL.
 */
export function startBackgroundCheckpoints(db: Database, onProblem: (message: string) => void): BackgroundCheckpoints | undefined {
  const raw = db.sqlite;
  if (!raw || raw.memory || String(raw.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return undefined;
  const before = Number(raw.pragma('wal_autocheckpoint', { simple: true }));
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: raw.name, everyMs: EVERY_MS },
  });
  // A serve that is done must not be kept alive by its checkpointer.
  worker.unref();
  raw.pragma(`wal_autocheckpoint = ${Math.max(before, BACKSTOP_PAGES)}`);
  // Whenever the worker ends (stopped, or failed), the connection checkpoints itself again.
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${before}`);
      resolve();
    }),
  );
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onProblem(`background checkpoints: ${m.error}`);
  });
  worker.on('error', (e) => onProblem(`background checkpoints stopped: ${e.message}; the connection checkpoints itself`));
  return {
    stop() {
      // Held until it has closed its connection: an unreferenced worker would let the process end first.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
