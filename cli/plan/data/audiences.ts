import { sql, type Transaction } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database, Dialect } from '../../../runtime/db/database.ts';
import { runCompiled } from '../../../runtime/db/compiled.ts';
import type { RuntimeSegment, RuntimeTrait } from '../../../runtime/manifest.ts';
import { inSavepoint } from './session.ts';
import { rebuildTraitCopies, traitsNeeded } from './shadow-traits.ts';
import { maskId } from '../../../compiler/contract/personal-data.ts';
import { firstLine } from '../errors.ts';

/** A segment to count on both sides; a side is absent when the segment does not exist there. */
export interface AudienceTarget {
  name: string;
  base?: RuntimeSegment;
  head?: RuntimeSegment;
}

export interface Audience {
  name: string;
  before: number | null;
  after: number | null;
  entered: number | null;
  left: number | null;
  sampleEntered: string[];
  sampleLeft: string[];
  errors: { base?: string; head?: string };
  /** Runs in the members table (for overlaps and reach), when that side was counted. */
  baseRun?: number;
  headRun?: number;
}

/** Every side's members, one run number per target and side: the scratch table the other counts read. */
export const MEMBERS = 'herald_plan_members';
const SAMPLE = 5;

/**
 * Counts each target's members as of `asOf` with the base's and the head's compiled queries, on
 * the same data, inside the plan's rolled-back session: the traits the queries read are rebuilt
 * as of `asOf` into temporary copies (the base's versions, then the head's where they differ),
 * each query's members go into a scratch table, and entered/left are set differences there.
 * A query that fails (the database lacks a column the base still reads) is reported for its side
 * and does not stop the others.
 */
export async function countAudiences(
  session: Database,
  manifests: { base?: Manifest; head: Manifest },
  targets: readonly AudienceTarget[],
  asOf: number,
): Promise<Audience[]> {
  const trx = session.kysely as Transaction<any>;
  const dialect = session.dialect;
  await sql`create temp table ${sql.table(MEMBERS)} (run integer not null, customer_id text not null, primary key (run, customer_id))`.execute(trx);
  const results: Audience[] = targets.map((t) => ({ name: t.name, before: null, after: null, entered: null, left: null, sampleEntered: [], sampleLeft: [], errors: {} }));

  const baseTargets = targets.map((t, i) => ({ i, segment: t.base })).filter((x): x is { i: number; segment: RuntimeSegment } => x.segment !== undefined);
  const headTargets = targets.map((t, i) => ({ i, segment: t.head })).filter((x): x is { i: number; segment: RuntimeSegment } => x.segment !== undefined);

  const baseTraits = manifests.base ? traitsNeeded(manifests.base, baseTargets.map((x) => `Segment/${x.segment.name}`)) : [];
  const baseFailure = await buildTraits(trx, dialect, baseTraits, asOf);
  for (const { i, segment } of baseTargets) {
    if (baseFailure) results[i]!.errors.base = baseFailure;
    else await fill(trx, dialect, segment, 2 * i, asOf, results[i]!, 'base');
  }

  const headTraits = traitsNeeded(manifests.head, headTargets.map((x) => `Segment/${x.segment.name}`));
  const headFailure = await buildTraits(trx, dialect, traitsToRebuild(headTraits, baseFailure ? [] : baseTraits), asOf);
  for (const { i, segment } of headTargets) {
    if (headFailure) results[i]!.errors.head = headFailure;
    else await fill(trx, dialect, segment, 2 * i + 1, asOf, results[i]!, 'head');
  }

  for (const r of results) await compare(trx, r);
  return results;
}

/**
 * The head's traits that must be rebuilt after the base's: those the base did not build, those
 * whose definition or compiled query differs, and those reading a trait rebuilt for the head.
 */
function traitsToRebuild(head: readonly RuntimeTrait[], builtForBase: readonly RuntimeTrait[]): RuntimeTrait[] {
  const built = new Map(builtForBase.map((t) => [t.name, t.definition]));
  const rebuilt = new Set<string>();
  const out: RuntimeTrait[] = [];
  for (const t of head) {
    const b = built.get(t.name);
    const same = b !== undefined && b.hash === t.definition.hash && b.compiledHash === t.definition.compiledHash;
    const readsRebuilt = t.definition.dependsOn.some((d) => d.startsWith('Trait/') && rebuilt.has(d.slice('Trait/'.length)));
    if (same && !readsRebuilt) continue;
    rebuilt.add(t.name);
    out.push(t);
  }
  return out;
}

async function buildTraits(trx: Transaction<any>, dialect: Dialect, traits: readonly RuntimeTrait[], asOf: number): Promise<string | undefined> {
  if (traits.length === 0) return undefined;
  try {
    await inSavepoint(trx, () => rebuildTraitCopies(trx, dialect, traits, asOf));
    return undefined;
  } catch (e) {
    return `its traits could not be computed (${firstLine(e)})`;
  }
}

async function fill(trx: Transaction<any>, dialect: Dialect, segment: RuntimeSegment, run: number, asOf: number, result: Audience, side: 'base' | 'head'): Promise<void> {
  try {
    await inSavepoint(trx, () =>
      runCompiled(trx, dialect, segment.compiled.sql[dialect], { as_of: asOf }, {
        // `run` is a number this module chose, never user text; the query keeps its placeholders.
        prefix: `insert into ${MEMBERS} (run, customer_id) select distinct ${Number(run)}, customer_id from (`,
        suffix: ') as herald_plan_query',
      }),
    );
    if (side === 'base') result.baseRun = run;
    else result.headRun = run;
  } catch (e) {
    result.errors[side] = `the query failed: ${firstLine(e)}`;
  }
}

async function compare(trx: Transaction<any>, r: Audience): Promise<void> {
  if (r.baseRun !== undefined) r.before = await count(trx, r.baseRun);
  if (r.headRun !== undefined) r.after = await count(trx, r.headRun);
  if (r.baseRun !== undefined && r.headRun !== undefined) {
    r.entered = await countMissing(trx, r.headRun, r.baseRun);
    r.left = await countMissing(trx, r.baseRun, r.headRun);
    r.sampleEntered = await sampleMissing(trx, r.headRun, r.baseRun);
    r.sampleLeft = await sampleMissing(trx, r.baseRun, r.headRun);
  } else if (r.headRun !== undefined && !r.errors.base) {
    // A new segment: everyone in it enters.
    r.entered = r.after;
    r.left = 0;
    r.sampleEntered = await sampleMissing(trx, r.headRun, -1);
  } else if (r.baseRun !== undefined && !r.errors.head) {
    r.entered = 0;
    r.left = r.before;
    r.sampleLeft = await sampleMissing(trx, r.baseRun, -1);
  }
}

async function count(trx: Transaction<any>, run: number): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(MEMBERS)} where run = ${run}`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

/** Members of run `a` who are not in run `b`. */
async function countMissing(trx: Transaction<any>, a: number, b: number): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from ${sql.table(MEMBERS)} x
    where x.run = ${a} and not exists (select 1 from ${sql.table(MEMBERS)} y where y.run = ${b} and y.customer_id = x.customer_id)`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

async function sampleMissing(trx: Transaction<any>, a: number, b: number): Promise<string[]> {
  const { rows } = await sql<{ customer_id: string }>`
    select x.customer_id from ${sql.table(MEMBERS)} x
    where x.run = ${a} and not exists (select 1 from ${sql.table(MEMBERS)} y where y.run = ${b} and y.customer_id = x.customer_id)
    order by x.customer_id limit ${SAMPLE}`.execute(trx);
  return rows.map((r) => maskId(String(r.customer_id)));
}
