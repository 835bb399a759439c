import type { EvaluationBar, ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import { fmt } from '../bar.ts';
import { metricLabel } from './summary.ts';
import type { CalibrationBin, LiftDecile } from '../metrics.ts';
import type { ModelProblem } from '../problems.ts';
import type { Backtest } from '../backtest/backtest.ts';
import { backtestMarkdown } from './backtest-table.ts';
import type { EpochRecord } from '../train/dense.ts';
import type { KSearchRecord } from '../train/kmeans.ts';
import { calibrationPlot, epochsPlot, kSearchPlot, liftPlot, rankingPlot, rocPlot } from './plots.ts';

/** The evaluation report of one trained version: written as report.json, report.md and SVG plots. */
export interface TrainReport {
  model: string;
  version: number;
  type: ModelJobSpec['type'];
  algorithm: ModelJobSpec['algorithm'];
  specHash: string;
  cutoff: string;
  asOf: string;
  split: ModelJobSpec['evaluation']['split'];
  rows: { train: number; holdout: number; positiveRate?: number };
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  reference?: { name: string; metrics: Record<string, number> };
  liftOverBaseline?: number;
  bar: EvaluationBar;
  passed: boolean;
  reasons: string[];
  problems: ModelProblem[];
  coefficients?: Array<{ feature: string; weight: number }>;
  calibration?: CalibrationBin[];
  lift?: LiftDecile[];
  history?: EpochRecord[];
  kSearch?: KSearchRecord[];
  clusters?: Array<{ cluster: number; name: string; size: number; means: Record<string, number> }>;
  /** Temporal folds: the model beside every baseline, with intervals, and the final test fold. */
  backtest?: Backtest;
}

export interface ReportCurves {
  roc?: Array<{ fpr: number; tpr: number }>;
  baselineRoc?: Array<{ fpr: number; tpr: number }>;
  referenceRoc?: Array<{ fpr: number; tpr: number }>;
}

/** Every report file of a version, by file name. */
export function renderReport(report: TrainReport, curves: ReportCurves): Map<string, string> {
  const files = new Map<string, string>();
  const plots: Array<[string, string]> = [];
  if (curves.roc) {
    const others = [
      ...(curves.baselineRoc ? [{ name: 'best single feature', points: curves.baselineRoc, auc: report.baseline.metrics.auc ?? NaN }] : []),
      ...(curves.referenceRoc && report.reference
        ? [{ name: 'reference model', points: curves.referenceRoc, auc: report.reference.metrics.auc ?? NaN }]
        : []),
    ];
    plots.push(['roc.svg', rocPlot(curves.roc, report.metrics.auc ?? NaN, others)]);
  }
  if (report.calibration) plots.push(['calibration.svg', calibrationPlot(report.calibration)]);
  if (report.lift) plots.push(['lift.svg', liftPlot(report.lift)]);
  if (report.history && report.history.length > 0)
    plots.push(['epochs.svg', epochsPlot(report.history, report.type === 'propensity' ? 'log loss' : 'loss')]);
  if (report.kSearch && report.kSearch.length > 0) plots.push(['k-search.svg', kSearchPlot(report.kSearch)]);
  if (report.type === 'recommendations')
    plots.push(['ranking.svg', rankingPlot(report.metrics, report.baseline.metrics, report.metrics.k ?? 10)]);
  for (const [name, svg] of plots) files.set(name, svg);
  files.set('report.json', `${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  files.set(
    'report.md',
    markdown(
      report,
      plots.map(([name]) => name),
    ),
  );
  return files;
}

function markdown(r: TrainReport, plots: string[]): string {
  const lines: string[] = [];
  lines.push(`# ${r.model} v${r.version}`, '');
  lines.push(`${r.type} model (${r.algorithm.replace(/_/g, ' ')}), data to ${r.asOf}. ${splitDescription(r)}`, '');
  lines.push(r.passed ? '**Activated**: the evaluation bar is met.' : `**Not activated**: ${r.reasons.join('; ')}.`, '');
  if (r.backtest) lines.push(...backtestMarkdown(r.backtest, r.metrics.k ?? 10), '');
  const ref = r.reference;
  lines.push(
    r.backtest ? '## Backtest means (what the bar reads)' : '## Holdout metrics',
    '',
    `| metric | model | baseline |${ref ? ' reference |' : ''}`,
    `| --- | ---: | ---: |${ref ? ' ---: |' : ''}`,
  );
  for (const [name, value] of Object.entries(r.metrics)) {
    const b = r.baseline.metrics[name];
    const f = ref?.metrics[name];
    lines.push(
      `| ${metricLabel(name, r.metrics.k ?? 10)} | ${show(value)} | ${b === undefined ? '' : show(b)} |${ref ? ` ${f === undefined ? '' : show(f)} |` : ''}`,
    );
  }
  lines.push('', `Baseline: ${r.baseline.name}.`);
  if (ref) lines.push(`Reference: ${ref.name}, fitted and measured on the same split.`);
  if (r.liftOverBaseline !== undefined) lines.push(`Lift over the baseline: ${r.liftOverBaseline.toFixed(2)}x.`);
  lines.push(
    '',
    `Rows: ${r.rows.train} training, ${r.rows.holdout} holdout${r.rows.positiveRate !== undefined ? `, ${(r.rows.positiveRate * 100).toFixed(1)}% positive in training` : ''}.`,
  );
  const bar = Object.entries(r.bar);
  lines.push('', '## Bar', '', bar.length ? bar.map(([k, v]) => `- ${k}: ${v}`).join('\n') : 'No bar set: every version is activated.');
  if (r.problems.length) {
    lines.push('', '## Data checks', '');
    for (const p of r.problems) lines.push(`- ${p.severity} ${p.code}: ${p.message}`);
  }
  if (r.calibration) {
    lines.push(
      '',
      '## Reliability (backtest folds pooled)',
      '',
      '| predicted | customers | mean predicted | observed |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const b of r.calibration)
      if (b.count > 0)
        lines.push(
          `| ${b.low.toFixed(1)}–${b.high.toFixed(1)} | ${b.count} | ${b.meanPredicted.toFixed(3)} | ${b.observedRate.toFixed(3)} |`,
        );
  }
  if (r.coefficients) {
    lines.push('', '## Weights (standardized inputs)', '', '| input | weight |', '| --- | ---: |');
    for (const c of r.coefficients) lines.push(`| ${c.feature} | ${c.weight.toFixed(4)} |`);
  }
  if (r.lift) {
    lines.push('', '## Lift by decile', '', '| decile | customers | rate | lift |', '| ---: | ---: | ---: | ---: |');
    for (const d of r.lift) lines.push(`| ${d.decile} | ${d.count} | ${(d.rate * 100).toFixed(1)}% | ${d.lift.toFixed(2)} |`);
  }
  if (r.clusters) {
    const names = Object.keys(r.clusters[0]?.means ?? {});
    lines.push('', '## Clusters', '', `| cluster | size | ${names.join(' | ')} |`, `| --- | ---: |${names.map(() => ' ---: |').join('')}`);
    for (const c of r.clusters) lines.push(`| ${c.name} | ${c.size} | ${names.map((n) => show(c.means[n]!)).join(' | ')} |`);
  }
  if (plots.length) {
    lines.push('', '## Plots', '');
    for (const p of plots) lines.push(`![${p.replace('.svg', '')}](${p})`);
  }
  return `${lines.join('\n')}\n`;
}

/** How the version was measured, in words. */
function splitDescription(r: TrainReport): string {
  const cut = r.cutoff;
  switch (r.type) {
    case 'clusters':
      return `Features as of ${cut}; every customer is clustered (there is no holdout).`;
    case 'recommendations':
      return `Backtest over temporal folds: each fold learns from interactions up to its cut-off and is judged on what customers bought in the window after it; the final test fold starts at ${cut}.`;
    default:
      return `Backtest over temporal folds: each fold learns from the snapshot one label window before its cut-off and is judged on every customer as of the cut-off; the final test fold starts at ${cut}, and the stored model learns from it.`;
  }
}

function show(v: number): string {
  return Number.isFinite(v) ? fmt(v) : 'n/a';
}
