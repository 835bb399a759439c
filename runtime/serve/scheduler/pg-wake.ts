/**
 * Waking schedulers in other processes on PostgreSQL: intake replicas (`--role api`) NOTIFY a
 * channel after each commit, and every scheduler LISTENs on it, so a worker reacts to an event
 * taken by another process at once instead of at its next tick. A lost connection is only
 * slower reactions (the tick still runs): it is logged and opened again.
 */
import pg from 'pg';
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ServeLogger } from '../extension.ts';

export const WAKE_CHANNEL = 'herald_serve_wake';

/** Tells every listening scheduler that events were committed (PostgreSQL only; a no-op elsewhere). */
export async function notifyWake(db: Database): Promise<void> {
  if (db.dialect !== 'postgres') return;
  await sql`select pg_notify(${WAKE_CHANNEL}, '')`.execute(db.kysely);
}

/** Listens on the wake channel until the returned function is called. */
export function listenForWakes(url: string, onWake: () => void, log: ServeLogger): () => Promise<void> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', () => onWake());
    c.on('error', (e) => {
      if (stopped) return;
      log.warn('wake-up listener lost its connection; retrying in 5 s (the scheduler still ticks)', { error: e });
      void c.end().catch(() => undefined);
      retry = setTimeout(() => void connect(), 5_000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (e) {
      c.emit('error', e);
    }
  };
  void connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
