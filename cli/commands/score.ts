import type { Command, CliIO } from '../command.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { SqlFeatureSource } from '../../runtime/models/features/sql.ts';
import { ModelError, type ModelProblem } from '../../runtime/models/problems.ts';
import { scoreModel, type ScoreOutcome } from '../../runtime/models/score-model.ts';
import { driftVerdict } from '../../runtime/models/report/drift.ts';
import { DatabaseModelStore } from '../../runtime/models/store/db-store.ts';
import { join } from 'node:path';
import { printProblem, REPORTS_DIR, reportsPath, selectModels, warnAboutUntrainedReads } from './train.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  model: { arg: 'NAME', description: 'score only this model' },
  'as-of': { arg: 'TIME', description: 'features as of this instant', default: 'the latest event' },
  db: DB_OPTION,
  format: { values: ['pretty', 'json'], description: 'how the results are printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'score',
  args: '[dir]',
  options: OPTIONS,
  about: `Scores every customer with each model's active version as of a time (scores, tiers, clusters and
recommendations), and reports drift of the score distribution against training.`,
});

/**
 * `herald score`: scores every customer with each model's active version as of a time, writing
 * model_scores (scores, tiers, clusters) and model_recommendations, and reports drift of the
 * score distribution against training. A model never trained (or never activated) is an error
 * that says to run `herald train`.
 */
export const scoreCommand: Command = {
  name: 'score',
  summary: 'write scores, tiers, clusters and recommendations',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const asOfFlag = values['as-of'] === undefined ? undefined : parseAsOf(values['as-of']);
    return runRuntimeCommand('score', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const jobs = selectModels(opened.manifest, values.model);
        const results = await scoreJobs(opened, jobs, asOfFlag);
        if (format === 'json') {
          io.stdout.write(
            `${JSON.stringify({ version: 1, models: results.map((r) => (r.error ? { model: r.model, status: 'error', error: r.error } : { status: 'scored', ...r.outcome })) }, null, 2)}\n`,
          );
        } else {
          for (const r of results) printScoreResult(io, r, reportsPath(io, opened.dir));
          await warnAboutUntrainedReads(io, opened.db.kysely, opened.manifest);
        }
        return results.some((r) => r.error) ? EXIT_ERRORS : EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

export interface ScoreResult {
  model: string;
  outcome?: ScoreOutcome;
  error?: ModelProblem;
}

/**
 * Scores every customer with each job's active version as of `asOf` (default: the latest event).
 * A model that cannot be scored (never trained, never activated) is a result with its problem.
 */
export async function scoreJobs(
  opened: { db: Database; manifest: Manifest; dir: string },
  jobs: ModelJobSpec[],
  asOf?: number,
): Promise<ScoreResult[]> {
  const store = new DatabaseModelStore(opened.db, join(opened.dir, REPORTS_DIR));
  const results: ScoreResult[] = [];
  for (const job of jobs) {
    const source = new SqlFeatureSource(opened.db, opened.manifest, job);
    try {
      const at = new Date(asOf ?? (await source.dataEnd())?.getTime() ?? Date.now());
      results.push({ model: job.name, outcome: await scoreModel(job, source, store, at) });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      results.push({ model: job.name, error: e.problem });
    }
  }
  return results;
}

/** One model's scores as `herald score` prints them: customers by tier, and drift or recommendations. */
export function printScoreResult(io: CliIO, r: ScoreResult, reportsDir = REPORTS_DIR): void {
  if (r.error) {
    printProblem(io, r.error);
    return;
  }
  const o = r.outcome!;
  for (const p of o.problems) printProblem(io, p);
  const dist = Object.entries(o.distribution)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const extra =
    o.recommendations !== undefined
      ? `, ${o.recommendations} recommendations`
      : o.psi !== undefined
        ? `, PSI vs training ${o.psi.toFixed(3)} (${driftVerdict(o.psi).split(':')[0]})`
        : '';
  io.stdout.write(`${o.model} v${o.version}: ${o.customers} customers (${dist})${extra}\n`);
  const drift = o.driftReport?.find((p) => p.endsWith('.md'));
  if (drift) io.stdout.write(`  drift report: ${join(reportsDir, drift)}\n`);
}
