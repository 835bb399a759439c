import type { Matrix } from '../matrix.ts';
import { auc, brier, calibration, liftByDecile, logLoss, mae, meanOf, r2, rmse, rocCurve, topShare, type CalibrationBin, type LiftDecile } from '../metrics.ts';
import { bestSingleFeature, describeSingleFeature, singleFeatureScores } from './single-feature.ts';

type Roc = Array<{ fpr: number; tpr: number }>;

/** The holdout rows and what the model (and the reference model, when there is one) predicted for them. */
export interface EvaluationInput {
  names: readonly string[];
  train: { x: Matrix; y: Float64Array };
  test: { x: Matrix; y: Float64Array };
  predicted: Float64Array;
  reference?: { features: readonly string[]; predicted: Float64Array };
}

export interface Evaluation {
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  reference?: { name: string; metrics: Record<string, number> };
  curves: { roc?: Roc; baselineRoc?: Roc; referenceRoc?: Roc; calibration?: CalibrationBin[]; lift?: LiftDecile[] };
}

const referenceName = (features: readonly string[], kind: string) => `${kind} on ${features.join(', ')} only`;

/**
 * Propensity: AUC, log loss, Brier and calibration on the holdout, beside the best single feature
 * (chosen by AUC on the training rows; the base rate stands in for its log loss and Brier score)
 * and the plain reference model.
 */
export function propensityEvaluation(e: EvaluationInput): Evaluation {
  const y = e.test.y;
  const prior = meanOf(e.train.y);
  const priorP = new Float64Array(y.length).fill(prior);
  const single = bestSingleFeature(e.names, e.train.x, (scores) => auc(e.train.y, scores));
  const singleScores = single ? singleFeatureScores(e.test.x, single.column, single.direction) : priorP;
  const measure = (p: Float64Array) => ({ auc: auc(y, p), log_loss: logLoss(y, p), brier: brier(y, p) });
  return {
    metrics: { ...measure(e.predicted), positive_rate: meanOf(y) },
    baseline: {
      name: `best single feature: ${describeSingleFeature(single, 'is likelier')}; base rate ${prior.toFixed(3)} for log loss and Brier`,
      metrics: { auc: auc(y, singleScores), log_loss: logLoss(y, priorP), brier: brier(y, priorP) },
    },
    ...(e.reference ? { reference: { name: referenceName(e.reference.features, 'logistic regression'), metrics: measure(e.reference.predicted) } } : {}),
    curves: {
      roc: thin(rocCurve(y, e.predicted)),
      baselineRoc: thin(rocCurve(y, singleScores)),
      ...(e.reference ? { referenceRoc: thin(rocCurve(y, e.reference.predicted)) } : {}),
      calibration: calibration(y, e.predicted, 10),
      lift: liftByDecile(y, e.predicted, 10),
    },
  };
}

/**
 * Regression: RMSE, MAE and R² beside the training mean, and how much of the holdout's actual
 * value the top 20% by prediction holds (what a `high` tier is for) beside the best single
 * feature's ranking (chosen on the training rows by the same share); and the reference model.
 */
export function regressionEvaluation(e: EvaluationInput): Evaluation {
  const y = e.test.y;
  const mean = meanOf(e.train.y);
  const meanP = new Float64Array(y.length).fill(mean);
  const single = bestSingleFeature(e.names, e.train.x, (scores) => topShare(e.train.y, scores));
  const singleScores = single ? singleFeatureScores(e.test.x, single.column, single.direction) : meanP;
  const measure = (p: Float64Array) => ({ rmse: rmse(y, p), mae: mae(y, p), r2: r2(y, p), top_20_share: topShare(y, p) });
  return {
    metrics: measure(e.predicted),
    baseline: {
      name: `the training mean (${mean.toFixed(2)}) for RMSE, MAE and R²; best single feature for the top-20% share: ${describeSingleFeature(single, 'is worth more')}`,
      metrics: { rmse: rmse(y, meanP), mae: mae(y, meanP), r2: r2(y, meanP), top_20_share: topShare(y, singleScores) },
    },
    ...(e.reference ? { reference: { name: referenceName(e.reference.features, 'linear regression'), metrics: measure(e.reference.predicted) } } : {}),
    curves: {},
  };
}

/** Fewer points for plots: at most ~200 along the curve, ends kept. */
function thin<T>(points: T[], max = 200): T[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}
