/**
 * Incremental segment evaluation for `herald serve`: the customers an intake commit touched are
 * evaluated, as of now, for the segments that start journeys and read the touched event types,
 * with the segment's own compiled SQL restricted to those customers. Their memberships change as a
 * full materialization would change them (entered at now, or closed at now); nobody else's do.
 * A customer whose profile changed (an `identify`) is evaluated for every such segment, as any
 * rule may read customer fields. The computed traits those segments read are rebuilt as of now
 * for the customers evaluated first, so a rule sees the traits an event or a profile change just
 * moved (everyone else's traits stay as the last full refresh, `segment_refresh`, left them).
 */
import { sql, type Transaction } from 'kysely';
import type { Expr } from '../../../compiler/contract/core/ast.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../db/database.ts';
import { selectMembersInto } from '../../segments/memberships.ts';
import { segmentsOf, traitsOf, type RuntimeSegment, type RuntimeTrait } from '../../manifest.ts';
import { journeysOf } from '../../journeys/versions.ts';
import { materializeTraits } from '../../segments/traits.ts';
import { PROFILE_TOUCH, type Touch } from './touches.ts';
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
  const wanted = all
    .filter((s) => entrySegments.has(s.name))
    .map((segment) => {
      const reads = eventsRead(segment, byName, new Set());
      const touched = touches.filter((t) => t.type === PROFILE_TOUCH || reads === 'all' || reads.has(t.type));
      return { segment, customers: [...new Set(touched.map((t) => t.customerId))] };
    })
    .filter((w) => w.customers.length > 0);
  if (wanted.length === 0) return 0;
  const traits = traitsRead(
    wanted.map((w) => w.segment),
    byName,
    traitsOf(manifest),
  );
  return db.transaction(async (trx) => {
    await touchedTables(trx, db.dialect);
    if (traits.length > 0) {
      await fillTouched(trx, [...new Set(wanted.flatMap((w) => w.customers))]);
      await materializeTraits(trx, db.dialect, traits, asOf, TOUCHED);
    }
    let entered = 0;
    for (const { segment, customers } of wanted) entered += await evaluateFor(trx, db.dialect, segment, customers, asOf);
    return entered;
  });
}

async function touchedTables(trx: Transaction<any>, dialect: Database['dialect']): Promise<void> {
  const tail = dialect === 'postgres' ? sql` on commit drop` : sql``;
  await sql`create temp table if not exists ${sql.table(TOUCHED)} (customer_id text primary key)${tail}`.execute(trx);
  await sql`create temp table if not exists ${sql.table(NOW)} (customer_id text primary key)${tail}`.execute(trx);
}

async function fillTouched(trx: Transaction<any>, customers: string[]): Promise<void> {
  await sql`delete from ${sql.table(TOUCHED)}`.execute(trx);
  for (let i = 0; i < customers.length; i += 500) {
    await trx
      .insertInto(TOUCHED)
      .values(customers.slice(i, i + 500).map((customer_id) => ({ customer_id })))
      .execute();
  }
}

async function evaluateFor(
  trx: Transaction<any>,
  dialect: Database['dialect'],
  segment: RuntimeSegment,
  customers: string[],
  asOf: number,
): Promise<number> {
  await fillTouched(trx, customers);
  await selectMembersInto(trx, dialect, segment, asOf, NOW, TOUCHED);
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

/** The traits the segments read, through the segments and traits they name, in the manifest's (dependency) order. */
function traitsRead(segments: RuntimeSegment[], byName: Map<string, RuntimeSegment>, traits: RuntimeTrait[]): RuntimeTrait[] {
  const traitByName = new Map(traits.map((t) => [t.name, t]));
  const needed = new Set<string>();
  const seen = new Set<string>();
  const visit = (dependencies: readonly string[]): void => {
    for (const d of dependencies) {
      if (seen.has(d)) continue;
      seen.add(d);
      const [kind, name] = [d.slice(0, d.indexOf('/')), d.slice(d.indexOf('/') + 1)];
      if (kind === 'Trait' && traitByName.has(name)) {
        needed.add(name);
        visit(traitByName.get(name)!.compiled.dependencies);
      } else if (kind === 'Segment' && byName.has(name)) visit(byName.get(name)!.compiled.dependencies);
    }
  };
  visit(segments.flatMap((s) => s.compiled.dependencies));
  return traits.filter((t) => needed.has(t.name));
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
