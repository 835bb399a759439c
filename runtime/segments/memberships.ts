import { sql, type Transaction } from 'kysely';
import type { Dialect } from '../db/database.ts';
import { runCompiled } from '../db/compiled.ts';
import type { RuntimeSegment } from '../manifest.ts';

export interface SegmentRunResult {
  segment: string;
  /** Members as of this run. */
  members: number;
  /** Customers who entered since the previous run (new open memberships). */
  entered: number;
  /** Customers who left since the previous run (memberships closed). */
  exited: number;
  /** The as-of instant of the segment's previous run, if any. */
  previousAsOf?: number;
}

/** A scratch table holding one segment's members as of the run (per transaction / connection). */
const NOW = 'herald_segment_now';

/**
 * Materializes one segment as of `asOf` inside the caller's transaction: runs its compiled query,
 * then diffs the result against the open memberships:
 * - members not open yet enter (a row with entered_at = asOf), except that a membership closed at
 *   exactly asOf by an earlier run at the same instant is reopened instead (no exit-and-enter at
 *   one instant);
 * - open memberships no longer selected exit (exited_at = asOf), except that a membership opened at
 *   exactly asOf is deleted instead (it never lasted).
 * So runs are idempotent for the same instant, and memberships stay a clean timeline.
 */
export async function materializeSegment(
  trx: Transaction<any>,
  dialect: Dialect,
  segment: RuntimeSegment,
  asOf: number,
  previousAsOf: number | undefined,
): Promise<SegmentRunResult> {
  await createScratch(trx, dialect);
  await selectMembersInto(trx, dialect, segment, asOf, NOW);
  const name = segment.name;
  // Fresh statistics let PostgreSQL pick hash anti-joins for the diff below on large segments.
  if (dialect === 'postgres') await sql`analyze ${sql.table(NOW)}`.execute(trx);
  const members = await countRows(trx);

  const reopened = await sql`
    update segment_memberships set exited_at = null
    where segment = ${name} and exited_at = ${asOf}
      and exists (select 1 from ${sql.table(NOW)} n where n.customer_id = segment_memberships.customer_id)
      and not exists (select 1 from segment_memberships o
                      where o.segment = ${name} and o.customer_id = segment_memberships.customer_id and o.exited_at is null)`.execute(trx);

  const vanished = await sql`
    delete from segment_memberships
    where segment = ${name} and exited_at is null and entered_at = ${asOf}
      and not exists (select 1 from ${sql.table(NOW)} n where n.customer_id = segment_memberships.customer_id)`.execute(trx);

  const closed = await sql`
    update segment_memberships set exited_at = ${asOf}
    where segment = ${name} and exited_at is null
      and not exists (select 1 from ${sql.table(NOW)} n where n.customer_id = segment_memberships.customer_id)`.execute(trx);

  const opened = await sql`
    insert into segment_memberships (segment, customer_id, entered_at, exited_at)
    select ${name}, n.customer_id, ${asOf}, null from ${sql.table(NOW)} n
    where not exists (select 1 from segment_memberships m
                      where m.segment = ${name} and m.customer_id = n.customer_id and m.exited_at is null)`.execute(trx);

  const result: SegmentRunResult = {
    segment: name,
    members,
    entered: affected(reopened) + affected(opened),
    exited: affected(vanished) + affected(closed),
  };
  if (previousAsOf !== undefined) result.previousAsOf = previousAsOf;
  await trx
    .insertInto('segment_runs')
    .values({ segment: name, as_of: asOf, members: result.members, entered: result.entered, exited: result.exited })
    .onConflict((oc) =>
      oc.columns(['segment', 'as_of']).doUpdateSet({
        members: result.members,
        entered: result.entered,
        exited: result.exited,
      }),
    )
    .execute();
  return result;
}

/**
 * Empties the scratch table `into` and fills it with the segment's members as of `asOf`: all of
 * them, or only those listed in the table `among` (the customers an event touched).
 */
export async function selectMembersInto(
  trx: Transaction<any>,
  dialect: Dialect,
  segment: RuntimeSegment,
  asOf: number,
  into: string,
  among?: string,
): Promise<void> {
  await sql`delete from ${sql.table(into)}`.execute(trx);
  await runCompiled(
    trx,
    dialect,
    segment.compiled.sql[dialect],
    { as_of: asOf },
    {
      prefix: `insert into ${into} (customer_id) select distinct customer_id from (`,
      suffix: `) as herald_segment${among === undefined ? '' : ` where customer_id in (select customer_id from ${among})`}`,
    },
  );
}

async function createScratch(trx: Transaction<any>, dialect: Dialect): Promise<void> {
  // PostgreSQL drops it at commit (the pool may hand the connection to anyone next); on SQLite the
  // connection is Herald's own, and the table is emptied before every use.
  const tail = dialect === 'postgres' ? sql` on commit drop` : sql``;
  await sql`create temp table if not exists ${sql.table(NOW)} (customer_id text primary key)${tail}`.execute(trx);
}

async function countRows(trx: Transaction<any>): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(NOW)}`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

function affected(result: { numAffectedRows?: bigint }): number {
  return Number(result.numAffectedRows ?? 0n);
}
