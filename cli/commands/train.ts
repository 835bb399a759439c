import { join, relative } from 'node:path';
import type { Command, CliIO } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database, Executor } from '../../runtime/db/database.ts';
import { describeReaders, untrainedRuleReads } from '../../runtime/models/require-trained.ts';
import { liftOverBaseline } from '../../runtime/models/bar.ts';
import { metricsTable } from '../../runtime/models/report/summary.ts';
import { backtestLines } from '../../runtime/models/report/backtest-table.ts';
import { SqlFeatureSource } from '../../runtime/models/features/sql.ts';
import { ModelError, type ModelProblem } from '../../runtime/models/problems.ts';
import { DatabaseModelStore } from '../../runtime/models/store/db-store.ts';
import { trainModel, type TrainOutcome } from '../../runtime/models/train-model.ts';
import { printDiagnostics } from '../print-diagnostics.ts';
import { messageOf } from '../../compiler/diagnostics/catalogue/index.ts';
import { diagnosticLines } from '../../compiler/diagnostics/format/lines.ts';
import type { Diagnostic } from '../../compiler/contract/diagnostic.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  model: { arg: 'NAME', description: 'train only this model' },
  'as-of': { arg: 'TIME', description: 'use the data up to this instant', default: 'the latest event' },
  force: { description: 'train even when neither the spec nor the data changed' },
  db: DB_OPTION,
  format: { values: ['pretty', 'json'], description: 'how the results are printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'train',
  args: '[dir]',
  options: OPTIONS,
  about: `Fits a new version of each model whose spec or data changed, evaluates it on held-out data beside
a simple baseline, writes its report, and activates it only when it meets its bar. Exit 1 when a
model could not be trained or did not meet its bar.`,
});

/** Where report files go, under the workspace (git-ignored with the rest of .herald/). */
export const REPORTS_DIR = join('.herald', 'models');

/** The reports folder of the workspace in `dir`, as a path from the current directory (for messages). */
export function reportsPath(io: CliIO, dir: string): string {
  return relative(io.cwd, join(dir, REPORTS_DIR)) || '.';
}

/**
 * `herald train`: compiles the workspace, and for each model (or `--model NAME`) fits a new
 * version when its spec or the data changed, evaluates it on held-out data beside a simple
 * baseline, writes the report, and activates it only when it meets its bar. Exit 1 when a model
 * could not be trained or did not meet its bar.
 */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train models and write evaluation reports',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const asOf = values['as-of'] === undefined ? undefined : new Date(parseAsOf(values['as-of']));
    return runRuntimeCommand('train', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const jobs = selectModels(opened.manifest, values.model);
        const results = await trainJobs(opened, jobs, {
          ...(asOf ? { asOf } : {}),
          force: values.force === true,
          around: async (job, work) => {
            if (format === 'pretty' && io.stderr.isTTY) io.stderr.write(`training ${job.name}…\n`);
            return work();
          },
        });
        if (format === 'json') io.stdout.write(`${JSON.stringify(trainDocument(results, join(opened.dir, REPORTS_DIR)), null, 2)}\n`);
        else for (const r of results) printResult(io, r, reportsPath(io, opened.dir));
        await warnAboutUntrainedReads(io, opened.db.kysely, opened.manifest);
        const failed = results.some((r) => r.error || r.outcome?.status === 'rejected');
        return failed ? EXIT_ERRORS : EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

export interface TrainResult {
  job: ModelJobSpec;
  outcome?: TrainOutcome;
  error?: ModelProblem;
}

/**
 * Trains the jobs in order against the workspace's database (model tables created if needed,
 * reports under REPORTS_DIR). A model that cannot be trained is a result with its problem, not
 * an exception; `around` wraps each model's training (progress display).
 */
export async function trainJobs(
  opened: { db: Database; manifest: Manifest; dir: string },
  jobs: ModelJobSpec[],
  options: { asOf?: Date; force?: boolean; around?: (job: ModelJobSpec, work: () => Promise<TrainOutcome>) => Promise<TrainOutcome> } = {},
): Promise<TrainResult[]> {
  const store = new DatabaseModelStore(opened.db, join(opened.dir, REPORTS_DIR));
  const results: TrainResult[] = [];
  for (const job of jobs) {
    const work = () =>
      trainModel(job, new SqlFeatureSource(opened.db, opened.manifest, job), store, {
        ...(options.asOf ? { asOf: options.asOf } : {}),
        force: options.force === true,
      });
    try {
      results.push({ job, outcome: await (options.around ? options.around(job, work) : work()) });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      results.push({ job, error: e.problem });
    }
  }
  return results;
}

/** HL442 for each model that rules read but that has no active version (after this run). */
export async function warnAboutUntrainedReads(io: CliIO, db: Executor, manifest: Manifest): Promise<void> {
  for (const read of await untrainedRuleReads(db, manifest)) {
    printProblem(io, {
      code: 'HL442',
      severity: 'warning',
      model: read.model,
      message: messageOf('HL442', { readers: describeReaders(read), model: read.model }),
      help: read.versions ? `its report says why the bar was not met` : `run \`herald train --model ${read.model}\``,
    });
  }
}

/** Every model's training job, or the one `--model` names (did-you-mean for a typo). */
export function selectModels(manifest: Manifest, name: string | undefined): ModelJobSpec[] {
  const all = Object.values(manifest.definitions)
    .filter((d) => d.kind === 'Model' && d.compiled !== undefined)
    .map((d) => d.compiled as ModelJobSpec)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  if (name === undefined) {
    if (all.length === 0) throw new UsageError('this workspace has no models');
    return all;
  }
  const found = all.find((j) => j.name === name);
  if (found) return [found];
  const hint = suggest(
    name,
    all.map((j) => j.name),
  );
  throw new UsageError(`no model "${name}" in this workspace${hint ? `; did you mean "${hint}"?` : ''}`);
}

/** A model's problem (a diagnostic): `severity[code]: message` and its help, through the one printer. */
export function printProblem(io: CliIO, p: ModelProblem): void {
  printDiagnostics([p], { format: 'lines', io, to: 'stderr' });
}

/**
 * One model's result as `herald train` prints it: whether it is used, its holdout metrics beside
 * the baseline's and the reference model's, what those are, and where the report is.
 */
export function printResult(io: CliIO, r: TrainResult, reportsDir: string): void {
  if (r.error) {
    printProblem(io, r.error);
    return;
  }
  const o = r.outcome!;
  const v = o.version;
  const report = join(reportsDir, r.job.name, `v${v.version}`, 'report.md');
  const table = metricsTable(r.job.type, v).map((l) => `  ${l}`);
  const lift = liftOverBaseline(r.job.type, v.metrics, v.baseline.metrics);
  const bar = r.job.evaluation.bar.min_lift_over_baseline;
  const notes = [
    `  baseline: ${v.baseline.name}`,
    ...(v.reference ? [`  reference: ${v.reference.name}`] : []),
    ...(lift !== undefined
      ? [
          `  lift over the baseline: ${lift.toFixed(2)}x${r.job.type === 'propensity' ? ' in AUC above 0.5' : r.job.type === 'regression' ? ' in RMSE' : ''}${bar !== undefined ? ` (bar: ${bar}x)` : ''}`,
        ]
      : []),
    `  report: ${report}`,
  ];
  if (o.status === 'unchanged') {
    const used = v.passed ? 'in use' : 'not in use';
    io.stdout.write(
      `${r.job.name} v${v.version}: unchanged (same spec and data; --force retrains), ${used}\n${[...table, ...notes].join('\n')}\n`,
    );
    return;
  }
  for (const p of o.problems) printProblem(io, p);
  const backtest = o.report.backtest;
  const k = v.metrics.k ?? 10;
  if (backtest) {
    table.length = 0;
    const folds = backtest.folds.filter((f) => !f.final).length;
    table.push(
      `  backtest, mean [95% interval] over ${folds} temporal folds:`,
      ...backtestLines(backtest, k, 'backtest').map((l) => `    ${l}`),
    );
    table.push(
      `  final test fold (cut-off ${backtest.folds.at(-1)!.cutoff.slice(0, 10)}, read by no bar):`,
      ...backtestLines(backtest, k, 'final').map((l) => `    ${l}`),
    );
  }
  const rows = o.report.rows;
  const about = `${r.job.type}, ${r.job.algorithm.replace(/_/g, ' ')}; ${rows.train} training and ${rows.holdout} held-out ${r.job.type === 'recommendations' ? 'customers' : 'rows'}; cut-off ${v.cutoff.slice(0, 10)}`;
  if (o.status === 'activated') {
    io.stdout.write(`${r.job.name} v${v.version}: activated (${about})\n${[...table, ...notes].join('\n')}\n`);
  } else {
    io.stdout.write(`${r.job.name} v${v.version}: not activated (${about})\n${[...table, ...notes].join('\n')}\n`);
    // The report's path follows the diagnostic on its own line, where a reader copies it from.
    const notActivated: Diagnostic = {
      code: 'HL576',
      severity: 'error',
      message: messageOf('HL576', { model: r.job.name, version: v.version, reasons: v.reasons }),
    };
    io.stderr.write(`${diagnosticLines(notActivated, {})}  report: ${report}\n`);
  }
}

function trainDocument(results: Array<{ job: ModelJobSpec; outcome?: TrainOutcome; error?: ModelProblem }>, root: string) {
  const clean = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
  return {
    version: 1,
    reports_root: root,
    models: results.map(({ job, outcome, error }) =>
      error
        ? { model: job.name, status: 'error', error: { code: error.code, message: error.message, help: error.help ?? null } }
        : {
            model: job.name,
            status: outcome!.status,
            version: outcome!.version.version,
            cutoff: outcome!.version.cutoff,
            as_of: outcome!.version.asOf,
            metrics: clean(outcome!.version.metrics),
            baseline: { name: outcome!.version.baseline.name, metrics: clean(outcome!.version.baseline.metrics) },
            reference: outcome!.version.reference
              ? { name: outcome!.version.reference.name, metrics: clean(outcome!.version.reference.metrics) }
              : null,
            active: outcome!.version.passed,
            reasons: outcome!.version.reasons,
            backtest: outcome!.status === 'unchanged' ? null : (outcome!.report.backtest ?? null),
            reports: outcome!.version.reports,
            problems: outcome!.status === 'unchanged' ? [] : outcome!.problems,
          },
    ),
  };
}
