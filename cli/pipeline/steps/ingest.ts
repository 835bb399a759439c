import { EXIT_ERRORS, EXIT_OK } from '../../command.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { formatSummary, ingestWorkspace } from '../../../runtime/ingest/index.ts';
import type { PipelineStep } from '../step.ts';
import { count, plural } from '../text.ts';

/**
 * Loads every Source (files already loaded with the same content are skipped, so a second run
 * reads nothing), prints the run's summary, then what the database holds, which a rerun prints
 * the same.
 */
export const ingestStep: PipelineStep = {
  name: 'ingest',
  summary: 'load the sources (unchanged files are skipped)',
  skipReason: (ctx) =>
    Object.values(ctx.manifest.definitions).some((d) => d.kind === 'Source') ? undefined : 'the workspace has no sources',
  async run(ctx) {
    let rows = 0;
    const summary = await ingestWorkspace({
      db: ctx.db,
      manifest: ctx.manifest,
      root: ctx.dir,
      onProgress(e) {
        if (e.kind === 'file-start') rows = 0;
        else if (e.kind === 'rows') rows += e.rows;
        else return;
        ctx.out.progress(`ingest ${e.source} ${e.path}${rows > 0 ? `: ${count(rows)} rows` : ''}`);
      },
    });
    ctx.out.line(formatSummary(summary, { maxAnomalies: 5 }));
    ctx.out.line(await databaseTotals(ctx.db));
    const files = summary.totals.files;
    return {
      exitCode: summary.incomplete ? EXIT_ERRORS : EXIT_OK,
      note: `${plural(files.loaded + files.reloaded, 'file')} loaded, ${count(files.skipped)} unchanged`,
    };
  },
};

/** `database: 4,772 customers, 467,041 events (…), 3,684 items; 135,110 rejected rows kept`. */
export async function databaseTotals(db: Database): Promise<string> {
  const k = db.kysely;
  const n = async (table: string) =>
    Number(
      (
        await k
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const byType = await k
    .selectFrom('events')
    .select(['type', (eb) => eb.fn.countAll().as('n')])
    .groupBy('type')
    .orderBy('type')
    .execute();
  const events = byType.reduce((sum, r) => sum + Number(r.n), 0);
  const types = byType.map((r) => `${count(Number(r.n))} ${String(r.type)}`).join(', ');
  return (
    `database holds ${plural(await n('customers'), 'customer')}, ${plural(events, 'event')}${types ? ` (${types})` : ''}, ` +
    `${plural(await n('items'), 'item')}; ${plural(await n('ingest_rejects'), 'rejected row')} kept with their reasons`
  );
}
