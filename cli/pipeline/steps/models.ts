import { EXIT_ERRORS, EXIT_OK } from '../../command.ts';
import { printResult, REPORTS_DIR, selectModels, trainJobs } from '../../commands/train.ts';
import { printScoreResult, scoreJobs } from '../../commands/score.ts';
import type { PipelineStep } from '../step.ts';
import { plural } from '../text.ts';

/**
 * Trains every model as of the job's instant (a model whose spec and data did not change since
 * its last version is not trained again) and prints its metrics beside its baseline, then scores
 * every customer with each model's active version, as `herald train` and `herald score` do.
 */
export const modelsStep: PipelineStep = {
  name: 'models',
  summary: 'train models (metrics beside baselines), then score every customer',
  evaluatesAsOf: true,
  skipReason: (ctx) =>
    Object.values(ctx.manifest.definitions).some((d) => d.kind === 'Model' && d.compiled !== undefined)
      ? undefined
      : 'the workspace has no models',
  async run(ctx) {
    const asOf = await ctx.asOf();
    const jobs = selectModels(ctx.manifest, undefined);
    const io = ctx.out.asIO();
    const opened = { db: ctx.db, manifest: ctx.manifest, dir: ctx.dataDir };
    const trained = await trainJobs(opened, jobs, {
      asOf: new Date(asOf),
      around: (job, work) => ctx.out.timed(`training ${job.name} (${job.type})…`, work),
    });
    for (const r of trained) printResult(io, r, REPORTS_DIR);
    const scored = await ctx.out.timed('scoring…', () => scoreJobs(opened, jobs, asOf));
    for (const r of scored) printScoreResult(io, r);
    const failed = trained.some((r) => r.error || r.outcome?.status === 'rejected') || scored.some((r) => r.error);
    return { exitCode: failed ? EXIT_ERRORS : EXIT_OK, note: plural(jobs.length, 'model') };
  },
};
