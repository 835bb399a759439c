import type { Executor } from '../db/database.ts';
import type { SegmentsAt } from './series.ts';

/**
 * The segments each customer was in at an instant, from the materialized memberships
 * (entered_at ≤ at < exited_at), read once for the customers of a report in chunks. A membership
 * still open counts from before its first materialization too: the first run of a segment dates
 * every member to that run, though they were members before it.
 */
export async function segmentsAtFromDatabase(db: Executor, customerIds: readonly string[]): Promise<SegmentsAt> {
  const spans = new Map<string, Array<{ segment: string; from: number; to: number }>>();
  for (let i = 0; i < customerIds.length; i += 5000) {
    const chunk = customerIds.slice(i, i + 5000);
    const rows = await db
      .selectFrom('segment_memberships')
      .select(['segment', 'customer_id', 'entered_at', 'exited_at'])
      .where('customer_id', 'in', chunk)
      .execute();
    for (const r of rows) {
      const id = String(r.customer_id);
      const list = spans.get(id) ?? [];
      list.push({ segment: String(r.segment), from: Number(r.entered_at), to: r.exited_at == null ? Infinity : Number(r.exited_at) });
      spans.set(id, list);
    }
  }
  return (customerId, at) =>
    [
      ...new Set((spans.get(customerId) ?? []).filter((s) => (s.from <= at || s.to === Infinity) && at < s.to).map((s) => s.segment)),
    ].sort();
}
