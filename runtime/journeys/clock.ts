/**
 * The run clock: the instant journeys and campaigns have been run up to, in the database. It only
 * moves forward; a run starts where the last one stopped, so running the same window twice, or a
 * window that overlaps one already run, decides nothing twice.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';
import { journeyRunMessages } from '../../compiler/contract/messages/journeys-run.ts';

const CLOCK = 'default';

/** A run asked to go back before the clock (HL512): what has happened cannot be decided again. */
export class RunBackInTimeError extends HeraldError {
  declare readonly code: 'HL512';
  constructor(
    readonly until: number,
    readonly clock: number,
  ) {
    super(journeyRunMessages.HL512({ until, clock }), EXIT_ERRORS, { code: 'HL512' });
  }
}

export interface Clock {
  /** Where the first run started. */
  startedAt: number;
  until: number;
}

export async function readClock(db: Executor): Promise<Clock | undefined> {
  const row = await db.selectFrom('journey_run_clock').select(['started_at', 'until']).where('name', '=', CLOCK).executeTakeFirst();
  return row ? { startedAt: Number(row.started_at), until: Number(row.until) } : undefined;
}

/** The clock, created at `start` when the database has none (a concurrent creator's wins). */
export async function startClock(db: Executor, start: number): Promise<Clock> {
  await db
    .insertInto('journey_run_clock')
    .values({ name: CLOCK, started_at: start, until: start })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await readClock(db))!;
}

/** Moves the clock to `to` unless it is already there or later (parallel workers advance it together). */
export async function advanceClock(db: Executor, to: number): Promise<void> {
  await db
    .updateTable('journey_run_clock')
    .set({ until: sql`case when until < ${to} then ${to} else until end` })
    .where('name', '=', CLOCK)
    .execute();
}
