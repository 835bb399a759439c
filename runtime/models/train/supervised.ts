import type { ModelJobSpec } from '../../../compiler/models/job-spec.ts';
import type { FeatureSource, Snapshot } from '../features/source.ts';
import { takeRows, takeValues, type Matrix } from '../matrix.ts';
import { auc, binShares, brier, calibration, liftByDecile, logLoss, mae, meanOf, quantileEdges, r2, rmse, rocCurve, type CalibrationBin, type LiftDecile } from '../metrics.ts';
import { fitPreprocessor, transform, type DataIssue } from '../preprocess.ts';
import { fail, problem, type ModelProblem } from '../problems.ts';
import { hashUniform, seededRng } from '../rng.ts';
import { coefficients, predictDense, trainDense, type EpochRecord } from './dense.ts';
import type { ModelArtifact } from '../artifact.ts';

export const MIN_TRAIN_ROWS = 20;
export const MIN_HOLDOUT_ROWS = 10;

/** What a supervised run hands to the report and the store. */
export interface SupervisedResult {
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  problems: ModelProblem[];
  rows: { train: number; holdout: number; positiveRate?: number };
  curves: {
    history: EpochRecord[];
    roc?: Array<{ fpr: number; tpr: number }>;
    baselineRoc?: Array<{ fpr: number; tpr: number }>;
    calibration?: CalibrationBin[];
    lift?: LiftDecile[];
  };
  coefficients?: Array<{ feature: string; weight: number }>;
}

/**
 * Propensity and regression: snapshot(s) at the cut-off, a customer holdout (hashed by id and
 * seed, so it does not depend on row order), preprocessing fitted on training rows only, a
 * TensorFlow.js fit, and holdout metrics beside the best simple baseline on the same rows.
 */
export async function trainSupervised(spec: ModelJobSpec, source: FeatureSource, cutoff: Date): Promise<SupervisedResult> {
  const problems: ModelProblem[] = [];
  const horizon = spec.label?.horizonMs ?? 0;
  const isHoldout = (id: string) => hashUniform(id, spec.training.seed) < spec.evaluation.holdout;
  let train: Snapshot;
  let test: Snapshot;
  if (spec.evaluation.split === 'time') {
    // Out-of-time: learn on the window before the cut-off, evaluate held-out customers after it.
    const earlier = await source.snapshot(new Date(cutoff.getTime() - Math.max(horizon, 1)), { label: true });
    const later = await source.snapshot(cutoff, { label: true });
    train = subset(earlier, (id) => !isHoldout(id));
    test = subset(later, isHoldout);
  } else {
    const snap = await source.snapshot(cutoff, { label: true });
    train = subset(snap, (id) => !isHoldout(id));
    test = subset(snap, isHoldout);
  }
  if (train.stringFeatures.length > 0) {
    const f = train.stringFeatures[0]!;
    fail(spec.name, 'HL575', `feature "${f}" of model ${spec.name} is text, not a number`, 'compare it instead, e.g. country = "United Kingdom"');
  }
  if (train.customerIds.length < MIN_TRAIN_ROWS || test.customerIds.length < MIN_HOLDOUT_ROWS) {
    fail(
      spec.name,
      'HL570',
      `model ${spec.name} has ${train.customerIds.length} training rows and ${test.customerIds.length} holdout rows; it needs at least ${MIN_TRAIN_ROWS} and ${MIN_HOLDOUT_ROWS}`,
      'load more data, or lower evaluation.holdout',
    );
  }
  const yTrain = checkLabels(spec, train.labels!);
  const yTest = checkLabels(spec, test.labels!);
  if (spec.type === 'propensity' && new Set(yTest).size < 2) {
    fail(spec.name, 'HL570', `the holdout of model ${spec.name} has only one label class, so AUC cannot be measured`, 'load more data, or raise evaluation.holdout');
  }

  const names = train.names;
  let trainX: Matrix = train.x;
  let trainY = yTrain;
  if (spec.training.maxRows !== undefined && trainX.rows > spec.training.maxRows) {
    const rng = seededRng(spec.training.seed ^ 0x2545f491);
    const idx = Array.from({ length: trainX.rows }, (_, i) => i);
    for (let i = 0; i < spec.training.maxRows; i++) {
      const j = i + rng.int(idx.length - i);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const keep = idx.slice(0, spec.training.maxRows).sort((a, b) => a - b);
    trainX = takeRows(trainX, keep);
    trainY = takeValues(trainY, keep);
  }
  const { prep, issues } = fitPreprocessor(names, trainX);
  problems.push(...issuesToProblems(spec.name, issues));
  const xTrain = transform(prep, trainX);
  const xTest = transform(prep, test.x);
  const cols = prep.outputs.length;
  const nn = spec.algorithm === 'neural_network';
  const { model, history } = trainDense(xTrain, cols, Float32Array.from(trainY), {
    output: spec.type === 'propensity' ? 'sigmoid' : 'linear',
    hidden: nn ? spec.training.hiddenUnits : [],
    epochs: spec.training.epochs,
    learningRate: spec.training.learningRate,
    batchSize: spec.training.batchSize,
    seed: spec.training.seed,
    l2: spec.training.l2,
    validation: { x: xTest, y: Float32Array.from(yTest) },
  });
  const predicted = predictDense(model, xTest, cols);
  const trainScores = predictDense(model, xTrain, cols);
  const edges = quantileEdges(trainScores, 10);
  const artifact: ModelArtifact = { features: names, preprocessor: prep, model, scoreDistribution: { edges, shares: binShares(trainScores, edges) } };
  const coef = coefficients(model, prep.outputs);
  const evaluation = spec.type === 'propensity' ? propensityEvaluation(yTrain, yTest, predicted, test.x, names) : regressionEvaluation(yTrain, yTest, predicted);
  return {
    artifact,
    metrics: evaluation.metrics,
    baseline: evaluation.baseline,
    problems,
    rows: { train: trainY.length, holdout: yTest.length, ...(spec.type === 'propensity' ? { positiveRate: meanOf(trainY) } : {}) },
    curves: { history, ...evaluation.curves },
    ...(coef ? { coefficients: coef } : {}),
  };
}

function propensityEvaluation(yTrain: Float64Array, y: Float64Array, p: Float64Array, rawTest: Matrix, names: string[]) {
  const prior = meanOf(yTrain);
  const priorP = new Float64Array(y.length).fill(prior);
  // The best single feature by AUC, in whichever direction ranks better; missing values rank lowest.
  let best = { name: 'none', auc: 0.5, scores: priorP as Float64Array };
  names.forEach((name, j) => {
    const col = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const v = rawTest.data[i * rawTest.cols + j]!;
      col[i] = Number.isFinite(v) ? v : -Number.MAX_VALUE;
    }
    const a = auc(y, col);
    const flipped = 1 - a;
    if (Number.isFinite(a) && Math.max(a, flipped) > best.auc) {
      const scores = a >= flipped ? col : col.map((v) => -v);
      best = { name: `${name} (${a >= flipped ? 'higher' : 'lower'} is likelier)`, auc: Math.max(a, flipped), scores };
    }
  });
  return {
    metrics: { auc: auc(y, p), log_loss: logLoss(y, p), brier: brier(y, p), positive_rate: meanOf(y) },
    baseline: {
      name: `best single feature: ${best.name}; base rate ${prior.toFixed(3)} for log loss and Brier`,
      metrics: { auc: best.auc, log_loss: logLoss(y, priorP), brier: brier(y, priorP) },
    },
    curves: {
      roc: thin(rocCurve(y, p)),
      baselineRoc: thin(rocCurve(y, best.scores)),
      calibration: calibration(y, p, 10),
      lift: liftByDecile(y, p, 10),
    },
  };
}

function regressionEvaluation(yTrain: Float64Array, y: Float64Array, p: Float64Array) {
  const mean = meanOf(yTrain);
  const meanP = new Float64Array(y.length).fill(mean);
  return {
    metrics: { rmse: rmse(y, p), mae: mae(y, p), r2: r2(y, p) },
    baseline: { name: `the training mean (${mean.toFixed(3)})`, metrics: { rmse: rmse(y, meanP), mae: mae(y, meanP), r2: r2(y, meanP) } },
    curves: {},
  };
}

/** Fewer points for plots: at most ~200 along the curve, ends kept. */
function thin<T>(points: T[], max = 200): T[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}

function subset(snap: Snapshot, keep: (id: string) => boolean): Snapshot {
  const idx: number[] = [];
  snap.customerIds.forEach((id, i) => keep(id) && idx.push(i));
  return {
    names: snap.names,
    customerIds: idx.map((i) => snap.customerIds[i]!),
    x: takeRows(snap.x, idx),
    ...(snap.labels ? { labels: takeValues(snap.labels, idx) } : {}),
    stringFeatures: snap.stringFeatures,
  };
}

function checkLabels(spec: ModelJobSpec, labels: Float64Array): Float64Array {
  if (spec.type === 'propensity') {
    const out = labels.map((v) => (Number.isNaN(v) ? 0 : v)); // a missing label is "did not happen"
    const bad = out.find((v) => v !== 0 && v !== 1);
    if (bad !== undefined) fail(spec.name, 'HL581', `the label of model ${spec.name} must be true/false, but a value is ${bad}`, 'use exists(...) or a comparison');
    if (out.length > 0 && out.every((v) => v === out[0])) {
      fail(spec.name, 'HL571', `the label of model ${spec.name} is ${out[0] === 1 ? 'true' : 'false'} for every training customer`, 'check the label rule and evaluation.cutoff against the data range');
    }
    return out;
  }
  const missing = labels.filter((v) => !Number.isFinite(v)).length;
  if (missing > 0) fail(spec.name, 'HL581', `the label of model ${spec.name} is missing or not finite for ${missing} of ${labels.length} customers`, 'wrap it in if(x is null, 0, x)');
  if (labels.length > 0 && labels.every((v) => v === labels[0])) {
    fail(spec.name, 'HL571', `the label of model ${spec.name} is ${labels[0]} for every training customer`, 'check the label rule and evaluation.cutoff');
  }
  return labels;
}

export function issuesToProblems(model: string, issues: readonly DataIssue[]): ModelProblem[] {
  return issues.map((issue) => {
    switch (issue.kind) {
      case 'always_missing':
        return fail(model, 'HL573', `feature "${issue.feature}" of model ${model} is missing for every training customer`, 'fix its rule or remove it');
      case 'constant':
        return problem(model, 'HL580', 'warning', `feature "${issue.feature}" of model ${model} is ${issue.value} for every training customer`);
      case 'non_finite':
        return problem(
          model,
          'HL574',
          'warning',
          `feature "${issue.feature}" of model ${model} is ${[issue.nan ? `missing (or NaN) for ${issue.nan}` : '', issue.infinite ? `infinite for ${issue.infinite}` : ''].filter(Boolean).join(' and ')} training customers; imputed with the mean and flagged in "${issue.feature}_missing"`,
        );
    }
  });
}

