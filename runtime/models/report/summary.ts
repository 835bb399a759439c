import type { ModelType } from '../../../compiler/contract/model-job.ts';
import { fmt } from '../bar.ts';
import type { ModelVersion } from '../store/types.ts';

/** Counts and settings that are not quality measures: left out of the side-by-side table. */
const NOT_COMPARED = new Set(['k', 'customers', 'positive_rate', 'inertia']);

const BASELINE_HEADING: Record<ModelType, string> = {
  propensity: 'best feature',
  regression: 'baseline',
  clusters: 'one cluster',
  recommendations: 'popularity',
};

const METRIC_LABEL: Record<string, string> = {
  auc: 'AUC',
  log_loss: 'log loss',
  brier: 'Brier score',
  rmse: 'RMSE',
  mae: 'MAE',
  r2: 'R²',
  top_20_share: 'top-20% share',
  silhouette: 'silhouette',
  ndcg_at_k: 'nDCG@k',
  precision_at_k_little_history: 'precision@k, ≤ 3 items before',
  new_item_recall: 'new-item recall',
};

/**
 * A version's holdout metrics beside its baseline's (and the reference model's), as a small
 * aligned table a person reads at a glance: one row per metric, one column per contender.
 */
export function metricsTable(
  type: ModelType,
  version: Pick<ModelVersion, 'metrics' | 'baseline' | 'reference'>,
  k = version.metrics.k ?? 10,
): string[] {
  const label = (m: string) => metricLabel(m, k);
  const heads = ['', 'model', BASELINE_HEADING[type], ...(version.reference ? ['reference'] : [])];
  const rows = Object.entries(version.metrics)
    .filter(([m]) => !NOT_COMPARED.has(m))
    .map(([m, v]) => [
      label(m),
      show(v),
      show(version.baseline.metrics[m]),
      ...(version.reference ? [show(version.reference.metrics[m])] : []),
    ]);
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(heads), ...rows.map(line)];
}

/** A metric's name as people write it: `AUC`, `precision@10`, `R²`. */
export function metricLabel(metric: string, k: number): string {
  return (METRIC_LABEL[metric] ?? metric).replace('_at_k', '@k').replace('@k', `@${k}`).replace(/_/g, ' ');
}

function show(v: number | undefined): string {
  if (v === undefined) return '';
  return Number.isFinite(v) ? fmt(v) : 'n/a';
}
