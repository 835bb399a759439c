import type { Database } from '../../runtime/db/database.ts';

const DAY_MS = 86_400_000;

/**
 * The default "now" of the main job: the first midnight (UTC) after the latest loaded event, so
 * a run over historical data evaluates at the end of that data (the Online Retail set ends on
 * 2011-12-09, so 2011-12-10T00:00Z) and two runs over the same data agree, whatever the wall
 * clock says. With no events at all it is the wall clock's current day.
 */
export async function defaultAsOf(db: Database, now: () => number = Date.now): Promise<number> {
  const row = await db.kysely
    .selectFrom('events')
    .select((eb) => eb.fn.max('at').as('at'))
    .executeTakeFirst();
  const latest = row?.at === null || row?.at === undefined ? undefined : Number(row.at);
  return nextMidnight(latest ?? now());
}

/** The first UTC midnight strictly after `ms`. */
export function nextMidnight(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;
}
