import { join } from 'node:path';
import type { Transaction } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { DatabaseModelStore } from '../../../runtime/models/store/db-store.ts';
import { lastMaterializedAt } from '../../../runtime/segments/customer-context.ts';
import { REPORTS_DIR } from '../../commands/train.ts';
import type { ModelImpact, PlanNote, Reach, SegmentImpact } from '../document.ts';
import { modelImpacts, type PlannedModel } from '../models.ts';
import { countAudiences, type Audience, type AudienceTarget } from './audiences.ts';
import { firstLine } from '../errors.ts';
import { overlapOf } from './overlap.ts';
import { prepareSchema } from './prepare-schema.ts';
import { prepareReach, reachOf, type ReachRules } from './reach.ts';
import { inSavepoint, withRolledBackSession } from './session.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

export interface MeasuredAudience extends Audience {
  reach: { before: Reach | null; after: Reach | null };
  overlap: SegmentImpact['overlap'];
}

export interface Measurements {
  customers: number;
  /** The latest materialization the stored memberships (overlaps) are as of. */
  membershipsAsOf?: number;
  audiences: Map<string, MeasuredAudience>;
  models: ModelImpact[];
  notes: PlanNote[];
}

export interface MeasureRequest {
  base?: Manifest;
  head: Manifest;
  targets: readonly AudienceTarget[];
  /** Segments whose audiences are shown with overlaps (the rest are counted for campaigns only). */
  withOverlap: ReadonlySet<string>;
  asOf: number;
  models: readonly PlannedModel[];
  /** The workspace folder (model report paths are relative to .herald/models under it). */
  headRoot: string;
  /** More work in the same session, after the counts: rendering templates for database customers, the simulated week of sends. */
  alsoInSession?: (session: Database) => Promise<void>;
}

/**
 * Everything the plan reads from the database, in one session that is rolled back: the schema
 * brought up to date for both sides, audiences counted with both sides' queries, consent and
 * suppression counts, overlaps with the stored memberships, and the model store's versions.
 */
export async function measure(db: Database, request: MeasureRequest): Promise<Measurements> {
  return withRolledBackSession(db, async (session) => {
    const trx = session.kysely as Transaction<any>;
    const notes = await prepareSchema(session, request.head, request.base);
    const customers = Number((await trx.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
    const counted = await countAudiences(session, { head: request.head, ...(request.base ? { base: request.base } : {}) }, request.targets, request.asOf);

    let rules: ReachRules | undefined;
    try {
      rules = await inSavepoint(trx, () => prepareReach(trx, request.head, request.asOf));
    } catch (e) {
      notes.push({ code: 'HL556', severity: 'warning', message: messageOf('HL556', { consentNotCounted: firstLine(e) }) });
    }
    const membershipsAsOf = await lastMaterializedAt(trx);
    const live = new Set(Object.values(request.head.definitions).filter((d) => d.kind === 'Segment').map((d) => d.name));
    const audiences = new Map<string, MeasuredAudience>();
    for (const a of counted) {
      const reach = {
        before: rules && a.baseRun !== undefined ? await reachOf(trx, session.dialect, rules, a.baseRun) : null,
        after: rules && a.headRun !== undefined ? await reachOf(trx, session.dialect, rules, a.headRun) : null,
      };
      const overlap =
        request.withOverlap.has(a.name) && a.headRun !== undefined && a.after !== null && membershipsAsOf !== undefined
          ? await overlapOf(trx, a.headRun, a.after, a.name, live, request.asOf)
          : [];
      audiences.set(a.name, { ...a, reach, overlap });
    }

    const models = request.models.length > 0 ? await modelImpacts(new DatabaseModelStore(session, join(request.headRoot, REPORTS_DIR)), request.models) : [];
    await request.alsoInSession?.(session);
    const out: Measurements = { customers, audiences, models, notes };
    if (membershipsAsOf !== undefined) out.membershipsAsOf = membershipsAsOf;
    return out;
  });
}
