import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { segmentsOf, traitsOf, type RuntimeSegment, type RuntimeTrait } from '../manifest.ts';
import { materializeTraits, type TraitRunResult } from './traits.ts';
import { materializeSegment, type SegmentRunResult } from './memberships.ts';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

export interface MaterializeResult {
  /** The instant everything was evaluated as of (epoch milliseconds). */
  asOf: number;
  traits: TraitRunResult[];
  segments: SegmentRunResult[];
}

/** A run that would corrupt the stored memberships (e.g. going back before the last run). */
export class MaterializeError extends HeraldError {
  constructor(message: string) {
    super(message, EXIT_ERRORS);
  }
}

export interface MaterializePlan {
  traits: readonly RuntimeTrait[];
  segments: readonly RuntimeSegment[];
}

/**
 * Materializes traits, then segments, as of `asOf`, in one transaction (all or nothing: readers
 * never see traits of one instant with memberships of another). Idempotent for the same instant.
 * The schema must be migrated and synced first (runtime/db).
 */
export async function materialize(db: Database, source: Manifest | MaterializePlan, asOf: number): Promise<MaterializeResult> {
  const plan: MaterializePlan =
    'traits' in source && Array.isArray(source.traits)
      ? (source as MaterializePlan)
      : { traits: traitsOf(source as Manifest), segments: segmentsOf(source as Manifest) };
  if (!Number.isFinite(asOf)) throw new MaterializeError(`as-of instant ${asOf} is not a time`);
  return db.transaction(async (trx) => {
    const previous = await lastRuns(
      trx,
      plan.segments.map((s) => s.name),
    );
    const later = [...previous].filter(([, at]) => at > asOf).sort(([a], [b]) => (a < b ? -1 : 1));
    if (later.length > 0) {
      const [segment, at] = later[0]!;
      throw new MaterializeError(
        `segment "${segment}" was already materialized as of ${iso(at)}, after ${iso(asOf)}; memberships are a ` +
          `timeline, so a run may not go back before the last one. Use \`herald explain --as-of\` to look at the past, ` +
          `or materialize into a fresh database.`,
      );
    }
    const traits = await materializeTraits(trx, db.dialect, plan.traits, asOf);
    const segments: SegmentRunResult[] = [];
    for (const segment of plan.segments) {
      segments.push(await materializeSegment(trx, db.dialect, segment, asOf, previous.get(segment.name)));
    }
    return { asOf, traits, segments };
  });
}

async function lastRuns(trx: Parameters<Parameters<Database['transaction']>[0]>[0], names: string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await trx
    .selectFrom('segment_runs')
    .select(['segment', (eb) => eb.fn.max('as_of').as('as_of')])
    .where('segment', 'in', names)
    .groupBy('segment')
    .execute();
  return new Map(rows.map((r) => [String(r.segment), Number(r.as_of)]));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
