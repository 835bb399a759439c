/**
 * Journeys removed from the workspace stop: their customers leave at the run's start with exit
 * reason `journey_removed` and get nothing more (HL513). A journey that is changed, not removed,
 * keeps its customers on the version they entered with.
 */
import { writeTransaction } from '../delivery/write-transaction.ts';
import type { RunContext } from './context.ts';
import { entryOf, insertHistory, replaceWakes, saveEntries } from './entries/store.ts';
import { journeysOf } from './versions.ts';
import { journeyRunMessages } from '../../compiler/contract/messages/journeys-run.ts';

export async function stopRemovedJourneys(ctx: RunContext, at: number): Promise<void> {
  const defined = journeysOf(ctx.manifest).map((j) => j.name);
  for (;;) {
    const stopped = await writeTransaction(ctx.db, async (trx) => {
      let q = trx.selectFrom('journey_entries').selectAll().where('status', '=', 'active').limit(ctx.batchSize);
      if (defined.length > 0) q = q.where('journey', 'not in', defined);
      if (ctx.db.dialect === 'postgres') q = q.forUpdate().skipLocked();
      const entries = (await q.execute()).map(entryOf);
      const history = entries.map((e) => {
        e.status = 'done';
        e.dueAt = null;
        e.exitedAt = at;
        e.exitReason = 'journey_removed';
        return { entryId: e.id, seq: e.seq++, at, step: e.step, action: 'exit', detail: 'journey_removed' };
      });
      await saveEntries(trx, entries);
      await insertHistory(trx, history);
      await replaceWakes(
        trx,
        entries.map((entry) => ({ entry })),
      );
      return entries;
    });
    if (stopped.length === 0) return;
    const byJourney = new Map<string, number>();
    for (const e of stopped) {
      byJourney.set(e.journey, (byJourney.get(e.journey) ?? 0) + 1);
      ctx.tally.exit(e.journey, 'journey_removed');
    }
    for (const [journey, n] of byJourney) {
      ctx.tally.problem({ code: 'HL513', severity: 'warning', journey, message: journeyRunMessages.HL513({ journey, left: n }) });
    }
  }
}
