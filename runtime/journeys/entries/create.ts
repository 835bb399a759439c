/**
 * Creating entries for one journey over a slice (from, to] of the clock, exactly once: the
 * journey's cursor row says up to where entries exist, and is locked while they are created
 * (FOR UPDATE on PostgreSQL; SQLite has one writer), so parallel workers never consider the same
 * event, membership or occurrence twice.
 */
import { writeTransaction } from '../../delivery/write-transaction.ts';
import type { RunContext } from '../context.ts';
import type { SegmentClock } from '../segments.ts';
import type { RuntimeJourney } from '../versions.ts';
import { admit, type Candidate } from './admit.ts';
import { eventCandidates, membersAt, scheduleCandidates, scheduleOccurrences, segmentCandidates } from './sources.ts';
import { insertEntries, insertHistory } from './store.ts';

export async function createEntries(
  ctx: RunContext,
  segments: SegmentClock,
  journey: RuntimeJourney,
  from: number,
  to: number,
): Promise<number> {
  const { db } = ctx;
  const entry = journey.compiled.entry;
  // Schedules with an audience need its memberships at each occurrence, before the transaction.
  if (entry.kind === 'schedule' && entry.audience !== undefined) {
    for (const o of await scheduleOccurrences(db.kysely, journey.name, entry, journey.compiled.timezone, from, to))
      await segments.ensure(db, [entry.audience], o);
  }
  const created = await writeTransaction(db, async (trx) => {
    await trx
      .insertInto('journey_cursors')
      .values({ journey: journey.name, entries_until: from })
      .onConflict((oc) => oc.column('journey').doNothing())
      .execute();
    let q = trx.selectFrom('journey_cursors').select('entries_until').where('journey', '=', journey.name);
    if (db.dialect === 'postgres') q = q.forUpdate();
    const cursor = Number((await q.executeTakeFirstOrThrow()).entries_until);
    if (cursor >= to) return 0;
    let created = 0;
    const add = async (candidates: Candidate[]) => {
      const admitted = await admit(trx, ctx.manifest, journey, ctx.rules, candidates, to, ctx.idKey);
      const inserted = await insertEntries(trx, admitted.entries, db.sqlite);
      await insertHistory(
        trx,
        admitted.history.filter((h) => inserted.has(h.entryId)),
        db.sqlite,
      );
      created += inserted.size;
    };
    if (entry.kind === 'event') {
      for await (const page of eventCandidates(trx, ctx.manifest, ctx.rules, entry, journey.compiled.entryItems, cursor, to))
        await add(page);
    } else if (entry.kind === 'segment') {
      await add(await segmentCandidates(trx, entry.segment, cursor, to));
    } else {
      for (const occurrence of await scheduleOccurrences(trx, journey.name, entry, journey.compiled.timezone, cursor, to)) {
        const before = created;
        await add(scheduleCandidates(await membersAt(trx, entry.audience, occurrence), occurrence));
        await trx
          .insertInto('journey_schedule_runs')
          .values({ journey: journey.name, occurrence, entered: created - before })
          .execute();
      }
    }
    await trx.updateTable('journey_cursors').set({ entries_until: to }).where('journey', '=', journey.name).execute();
    return created;
  });
  ctx.tally.enter(journey.name, created);
  return created;
}
