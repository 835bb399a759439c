/**
 * Incremental segment evaluation for `herald serve`: the customers an intake commit touched are
 * evaluated, as of now, for the segments that start journeys and read the touched event types,
 * with the segment's own compiled SQL restricted to those customers. Their memberships change as a
 * full materialization would change them (entered at now, or closed at now); nobody else's do.
 * Traits are read as the last full refresh left them (segment_refresh rebuilds them).
 */
import { sql, type Transaction } from 'kysely';
import type { Expr } from '../../../compiler/contract/core/ast.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../db/database.ts';
import { runCompiled } from '../../db/compiled.ts';
import { segmentsOf, type RuntimeSegment } from '../../manifest.ts';
import { journeysOf } from '../../journeys/versions.ts';
import type { Touch } from './touches.ts';
import { RESUBSCRIBE_EVENT, UNSUBSCRIBE_EVENT } from '../../../compiler/contract/subscriptions.ts';

const TOUCHED = 'herald_touched_now';
const NOW = 'herald_touched_members';

export async function reevaluateSegments(db: Database, manifest: Manifest, touches: readonly Touch[], asOf: number): Promise<number> {
  const entrySegments = new Set(
    journeysOf(manifest).flatMap((j) => (j.compiled.entry.kind === 'segment' ? [j.compiled.entry.segment] : [])),
  );
  if (entrySegments.size === 0) return 0;
  const all = segmentsOf(manifest);
  const byName = new Map(all.map((s) => [s.name, s]));
  const wanted = all.filter((s) => entrySegments.has(s.name));
  let entered = 0;
  for (const segment of wanted) {
    const reads = eventsRead(segment, byName, new Set());
    const customers = [...new Set(touches.filter((t) => reads === 'all' || reads.has(t.type)).map((t) => t.customerId))];
    if (customers.length === 0) continue;
    entered += await db.transaction((trx) => evaluateFor(trx, db.dialect, segment, customers, asOf));
  }
  return entered;
}

async function evaluateFor(
  trx: Transaction<any>,
  dialect: Database['dialect'],
  segment: RuntimeSegment,
  customers: string[],
  asOf: number,
): Promise<number> {
  const tail = dialect === 'postgres' ? sql` on commit drop` : sql``;
  await sql`create temp table if not exists ${sql.table(TOUCHED)} (customer_id text primary key)${tail}`.execute(trx);
  await sql`create temp table if not exists ${sql.table(NOW)} (customer_id text primary key)${tail}`.execute(trx);
  await sql`delete from ${sql.table(TOUCHED)}`.execute(trx);
  await sql`delete from ${sql.table(NOW)}`.execute(trx);
  for (let i = 0; i < customers.length; i += 500) {
    await trx
      .insertInto(TOUCHED)
      .values(customers.slice(i, i + 500).map((customer_id) => ({ customer_id })))
      .execute();
  }
  await runCompiled(
    trx,
    dialect,
    segment.compiled.sql[dialect],
    { as_of: asOf },
    {
      prefix: `insert into ${NOW} (customer_id) select distinct customer_id from (`,
      suffix: `) as herald_segment where customer_id in (select customer_id from ${TOUCHED})`,
    },
  );
  const name = segment.name;
  // The same diff as a full materialization (runtime/segments/memberships.ts), over the touched customers only.
  await sql`
    delete from segment_memberships
    where segment = ${name} and exited_at is null and entered_at = ${asOf}
      and customer_id in (select customer_id from ${sql.table(TOUCHED)})
      and customer_id not in (select customer_id from ${sql.table(NOW)})`.execute(trx);
  await sql`
    update segment_memberships set exited_at = ${asOf}
    where segment = ${name} and exited_at is null
      and customer_id in (select customer_id from ${sql.table(TOUCHED)})
      and customer_id not in (select customer_id from ${sql.table(NOW)})`.execute(trx);
  const opened = await sql`
    insert into segment_memberships (segment, customer_id, entered_at, exited_at)
    select ${name}, n.customer_id, ${asOf}, null from ${sql.table(NOW)} n
    where not exists (select 1 from segment_memberships m
                      where m.segment = ${name} and m.customer_id = n.customer_id and (m.exited_at is null or m.entered_at = ${asOf}))`.execute(
    trx,
  );
  return Number(opened.numAffectedRows ?? 0n);
}

/** Event types a segment's rule reads, through the segments it names; 'all' when it reads traits or models. */
function eventsRead(segment: RuntimeSegment, byName: Map<string, RuntimeSegment>, seen: Set<string>): Set<string> | 'all' {
  if (seen.has(segment.name)) return new Set();
  seen.add(segment.name);
  if (segment.compiled.dependencies.some((d) => d.startsWith('Trait/') || d.startsWith('Model/'))) return 'all';
  const out = new Set<string>();
  let all = false;
  const visit = (node: unknown): void => {
    if (all || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as Partial<Expr> & { kind?: string; event?: string; name?: string; args?: unknown[] };
    if (n.kind === 'aggregate' && typeof n.event === 'string') out.add(n.event);
    if (n.kind === 'call' && (n.name === 'score' || n.name === 'tier')) all = true;
    // subscribed(): an unsubscribe or re-subscription arriving as an event changes the answer.
    if (n.kind === 'call' && n.name === 'subscribed') out.add(UNSUBSCRIBE_EVENT).add(RESUBSCRIBE_EVENT);
    if (n.kind === 'call' && n.name === 'in_segment') {
      const arg = n.args?.[0] as { kind?: string; value?: unknown } | undefined;
      const other = arg?.kind === 'string' && typeof arg.value === 'string' ? byName.get(arg.value) : undefined;
      const read = other ? eventsRead(other, byName, seen) : 'all';
      if (read === 'all') all = true;
      else for (const t of read) out.add(t);
    }
    for (const v of Object.values(node)) if (typeof v === 'object') visit(v);
  };
  visit(segment.compiled.ast);
  return all ? 'all' : out;
}
