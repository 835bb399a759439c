import { sql, type Transaction } from 'kysely';
import { MEMBERS } from './audiences.ts';

const TOP = 5;

/**
 * The other live segments a run's members also belong to, largest overlap first: the memberships
 * stored in the database that are open at `asOf` (what is materialized now), joined with the run.
 * `live` is the set of segment names that still exist in the head.
 */
export async function overlapOf(
  trx: Transaction<any>,
  run: number,
  members: number,
  self: string,
  live: ReadonlySet<string>,
  asOf: number,
): Promise<Array<{ segment: string; customers: number; share: number }>> {
  if (members === 0) return [];
  const { rows } = await sql<{ segment: string; n: number | string }>`
    select m.segment, count(*) as n
    from ${sql.table(MEMBERS)} h join segment_memberships m on m.customer_id = h.customer_id
    where h.run = ${run} and m.segment <> ${self}
      and m.entered_at <= ${asOf} and (m.exited_at is null or m.exited_at > ${asOf})
    group by m.segment`.execute(trx);
  return rows
    .map((r) => ({ segment: String(r.segment), customers: Number(r.n) }))
    .filter((r) => live.has(r.segment))
    .sort((a, b) => b.customers - a.customers || (a.segment < b.segment ? -1 : 1))
    .slice(0, TOP)
    .map((r) => ({ ...r, share: Math.round((r.customers / members) * 1000) / 1000 }));
}
