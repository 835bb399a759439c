import type { EvaluationBar, ModelType } from '../../compiler/contract/model-job.ts';

/** The metric that ranks a model type against its baseline, and whether higher is better. */
export const PRIMARY_METRIC: Record<ModelType, { metric: string; higherIsBetter: boolean }> = {
  propensity: { metric: 'auc', higherIsBetter: true },
  regression: { metric: 'rmse', higherIsBetter: false },
  clusters: { metric: 'silhouette', higherIsBetter: true },
  recommendations: { metric: 'precision_at_k', higherIsBetter: true },
};

const CHECKS: Array<{ key: keyof EvaluationBar; metric: string; min: boolean }> = [
  { key: 'min_auc', metric: 'auc', min: true },
  { key: 'max_log_loss', metric: 'log_loss', min: false },
  { key: 'max_brier', metric: 'brier', min: false },
  { key: 'max_rmse', metric: 'rmse', min: false },
  { key: 'max_mae', metric: 'mae', min: false },
  { key: 'min_r2', metric: 'r2', min: true },
  { key: 'min_precision_at_k', metric: 'precision_at_k', min: true },
  { key: 'min_recall_at_k', metric: 'recall_at_k', min: true },
  { key: 'min_ndcg_at_k', metric: 'ndcg_at_k', min: true },
  { key: 'min_silhouette', metric: 'silhouette', min: true },
];

/** The model's improvement over its baseline on the primary metric (1 = equal, 2 = twice as good). */
export function liftOverBaseline(type: ModelType, metrics: Record<string, number>, baseline: Record<string, number>): number | undefined {
  const { metric } = PRIMARY_METRIC[type];
  const m = metrics[metric];
  const b = baseline[metric];
  if (m === undefined || b === undefined || !Number.isFinite(m) || !Number.isFinite(b)) return undefined;
  if (type === 'propensity') return b - 0.5 > 0 ? (m - 0.5) / (b - 0.5) : undefined; // distance from a coin toss
  if (type === 'regression') return m > 0 ? b / m : undefined;
  return b > 0 ? m / b : undefined;
}

/**
 * How far the model's primary metric falls behind the reference model's: AUC points for
 * propensity, the fraction by which RMSE is worse for regression (negative: the model is better).
 */
export function gapToReference(type: ModelType, metrics: Record<string, number>, reference: Record<string, number>): number | undefined {
  const { metric } = PRIMARY_METRIC[type];
  const m = metrics[metric];
  const r = reference[metric];
  if (m === undefined || r === undefined || !Number.isFinite(m) || !Number.isFinite(r)) return undefined;
  if (type === 'propensity') return r - m;
  if (type === 'regression') return r > 0 ? m / r - 1 : undefined;
  return undefined;
}

/** Why a version fails its bar; empty when it passes. Each reason names the metric, its value and the bar. */
export function checkBar(
  type: ModelType,
  bar: EvaluationBar,
  metrics: Record<string, number>,
  baseline: Record<string, number>,
  reference?: Record<string, number>,
): string[] {
  const reasons: string[] = [];
  for (const { key, metric, min } of CHECKS) {
    const limit = bar[key];
    if (limit === undefined) continue;
    const value = metrics[metric];
    if (value === undefined || !Number.isFinite(value)) {
      reasons.push(`${metric} could not be measured on the holdout (bar ${key}: ${limit})`);
    } else if (min ? value < limit : value > limit) {
      reasons.push(`${metric} ${fmt(value)} is ${min ? 'below' : 'above'} the bar ${key}: ${limit}`);
    }
  }
  if (bar.min_lift_over_baseline !== undefined) {
    const lift = liftOverBaseline(type, metrics, baseline);
    if (lift === undefined || lift < bar.min_lift_over_baseline) {
      reasons.push(
        `the lift over the baseline is ${lift === undefined ? 'not measurable' : `${fmt(lift)}x`}, below min_lift_over_baseline: ${bar.min_lift_over_baseline}`,
      );
    }
  }
  if (bar.max_gap_to_reference !== undefined) {
    const gap = reference ? gapToReference(type, metrics, reference) : undefined;
    const unit = type === 'propensity' ? ' AUC points' : '';
    if (gap === undefined) {
      reasons.push(`the gap to the reference model could not be measured (bar max_gap_to_reference: ${bar.max_gap_to_reference})`);
    } else if (gap > bar.max_gap_to_reference) {
      const shown = type === 'regression' ? `has ${(gap * 100).toFixed(1)}% higher RMSE than` : `is ${fmt(gap)}${unit} behind`;
      reasons.push(`the model ${shown} the reference model, beyond max_gap_to_reference: ${bar.max_gap_to_reference}`);
    }
  }
  return reasons;
}

export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 4);
}
