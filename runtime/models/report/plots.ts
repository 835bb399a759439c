import type { CalibrationBin, LiftDecile } from '../metrics.ts';
import type { EpochRecord } from '../train/dense.ts';
import { barChart, groupedBarChart, lineChart } from './svg.ts';

type Roc = ReadonlyArray<{ fpr: number; tpr: number }>;

/** The model's ROC curve beside its comparisons (best single feature, reference model) and a coin toss. */
export function rocPlot(model: Roc, aucValue: number, others: ReadonlyArray<{ name: string; points: Roc; auc: number }> = []): string {
  const colors = ['#ea580c', '#16a34a'];
  const series = [
    { name: `model (AUC ${aucValue.toFixed(3)})`, points: model.map((p) => ({ x: p.fpr, y: p.tpr })) },
    ...others.map((o, i) => ({
      name: `${o.name} (AUC ${o.auc.toFixed(3)})`,
      points: o.points.map((p) => ({ x: p.fpr, y: p.tpr })),
      color: colors[i % colors.length]!,
    })),
    {
      name: 'random',
      points: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
      color: '#9ca3af',
      dashed: true,
    },
  ];
  return lineChart(series, {
    title: 'ROC curve (holdout)',
    xLabel: 'false positive rate',
    yLabel: 'true positive rate',
    xDomain: [0, 1],
    yDomain: [0, 1],
    legend: 'bottom-right',
  });
}

export function calibrationPlot(bins: CalibrationBin[]): string {
  const used = bins.filter((b) => b.count > 0);
  return lineChart(
    [
      { name: 'model', points: used.map((b) => ({ x: b.meanPredicted, y: b.observedRate })), dots: true },
      {
        name: 'perfectly calibrated',
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        color: '#9ca3af',
        dashed: true,
      },
    ],
    {
      title: 'Calibration (10 bins, holdout)',
      xLabel: 'mean predicted probability',
      yLabel: 'observed rate',
      xDomain: [0, 1],
      yDomain: [0, 1],
      legend: 'bottom-right',
    },
  );
}

export function liftPlot(deciles: LiftDecile[]): string {
  return barChart(
    deciles.map((d) => ({ label: String(d.decile), value: d.lift })),
    {
      title: 'Lift by score decile (holdout)',
      xLabel: 'decile (1 = highest scores)',
      yLabel: 'lift over the average rate',
      reference: { value: 1, label: 'average' },
    },
  );
}

export function epochsPlot(history: EpochRecord[], metric = 'loss'): string {
  const series = [
    { name: `training ${metric}`, points: history.map((h) => ({ x: h.epoch, y: h.loss })) },
    ...(history.some((h) => h.validationLoss !== undefined)
      ? [{ name: `holdout ${metric}`, points: history.map((h) => ({ x: h.epoch, y: h.validationLoss ?? NaN })), color: '#dc2626' }]
      : []),
  ];
  return lineChart(series, { title: `${metric[0]!.toUpperCase()}${metric.slice(1)} over epochs`, xLabel: 'epoch', yLabel: metric });
}

export function kSearchPlot(search: Array<{ k: number; silhouette: number; inertia: number }>): string {
  return lineChart([{ name: 'mean silhouette', points: search.map((s) => ({ x: s.k, y: s.silhouette })), dots: true }], {
    title: 'Silhouette by k',
    xLabel: 'k (clusters)',
    yLabel: 'mean silhouette',
  });
}

export function rankingPlot(metrics: Record<string, number>, baseline: Record<string, number>, k: number): string {
  const names = ['precision_at_k', 'recall_at_k', 'ndcg_at_k'];
  const labels: Record<string, string> = { precision_at_k: `precision@${k}`, recall_at_k: `recall@${k}`, ndcg_at_k: `nDCG@${k}` };
  return groupedBarChart(
    names.map((n) => ({ label: labels[n]!, values: [metrics[n] ?? NaN, baseline[n] ?? NaN] })),
    ['model', 'popularity'],
    { title: 'Ranking quality on the window after the cut-off', xLabel: 'metric', yLabel: 'mean over customers' },
  );
}
