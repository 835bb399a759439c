import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { FeatureSource, Snapshot } from '../features/source.ts';
import { takeColumns, takeRows, takeValues, type Matrix } from '../matrix.ts';
import { binShares, meanOf, quantileEdges, type CalibrationBin, type LiftDecile } from '../metrics.ts';
import type { DataIssue } from '../preprocess.ts';
import { fail, problem, type ModelProblem } from '../problems.ts';
import { hashUniform, seededRng } from '../rng.ts';
import { coefficients, type EpochRecord } from './dense.ts';
import { fitDense } from './fit-dense.ts';
import { propensityEvaluation, regressionEvaluation } from './supervised-evaluation.ts';
import type { ModelArtifact } from '../artifact.ts';

export const MIN_TRAIN_ROWS = 20;
export const MIN_HOLDOUT_ROWS = 10;

type Roc = Array<{ fpr: number; tpr: number }>;

/** What a supervised run hands to the report and the store. */
export interface SupervisedResult {
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  /** The plain reference model (`evaluation.reference`), measured on the same split. */
  reference?: { name: string; metrics: Record<string, number> };
  problems: ModelProblem[];
  rows: { train: number; holdout: number; positiveRate?: number };
  curves: {
    history: EpochRecord[];
    roc?: Roc;
    baselineRoc?: Roc;
    referenceRoc?: Roc;
    calibration?: CalibrationBin[];
    lift?: LiftDecile[];
  };
  coefficients?: Array<{ feature: string; weight: number }>;
}

/** Logistic/linear defaults, for a reference model beside a neural network. */
const PLAIN = { epochs: 60, learningRate: 0.05 };

/**
 * Propensity and regression: snapshot(s) at the cut-off (features as of it, the label from the
 * window after it), a customer holdout (hashed by id and seed, so it does not depend on row
 * order), preprocessing fitted on training rows only, a TensorFlow.js fit, and holdout metrics
 * beside the best simple baseline and the plain reference model on the same rows.
 */
export async function trainSupervised(spec: ModelJobSpec, source: FeatureSource, cutoff: Date): Promise<SupervisedResult> {
  const problems: ModelProblem[] = [];
  const horizon = spec.label?.horizonMs ?? 0;
  const isHoldout = (id: string) => hashUniform(id, spec.training.seed) < spec.evaluation.holdout;
  let train: Snapshot;
  let test: Snapshot;
  if (spec.evaluation.split === 'time') {
    // Out-of-time: learn on the window before the cut-off, evaluate held-out customers after it.
    const earlier = await source.snapshot(new Date(cutoff.getTime() - Math.max(horizon, 1)), { label: true, knownOnly: true });
    const later = await source.snapshot(cutoff, { label: true, knownOnly: true });
    train = subset(earlier, (id) => !isHoldout(id));
    test = subset(later, isHoldout);
  } else {
    const snap = await source.snapshot(cutoff, { label: true, knownOnly: true });
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
  const yTrainAll = checkLabels(spec, train.labels!);
  const yTest = checkLabels(spec, test.labels!);
  if (spec.type === 'propensity' && new Set(yTest).size < 2) {
    fail(spec.name, 'HL570', `the holdout of model ${spec.name} has only one label class, so AUC cannot be measured`, 'load more data, or raise evaluation.holdout');
  }

  const names = train.names;
  const { x: trainX, y: trainY } = sample(spec, train.x, yTrainAll);
  const nn = spec.algorithm === 'neural_network';
  const fitted = fitDense(spec, names, trainX, trainY, {
    hidden: nn ? spec.training.hiddenUnits : [],
    epochs: spec.training.epochs,
    learningRate: spec.training.learningRate,
    validation: { x: test.x, y: yTest },
  });
  problems.push(...issuesToProblems(spec.name, fitted.issues));
  const predicted = fitted.predict(test.x);
  const trainScores = fitted.predict(trainX);
  const edges = quantileEdges(trainScores, 10);
  const artifact: ModelArtifact = { features: names, preprocessor: fitted.prep, model: fitted.model, scoreDistribution: { edges, shares: binShares(trainScores, edges) } };
  const evaluate = spec.type === 'propensity' ? propensityEvaluation : regressionEvaluation;
  const evaluation = evaluate({
    names,
    train: { x: trainX, y: trainY },
    test: { x: test.x, y: yTest },
    predicted,
    ...(spec.evaluation.reference ? { reference: { features: spec.evaluation.reference, predicted: fitReference(spec, names, trainX, trainY, test.x) } } : {}),
  });
  const coef = coefficients(fitted.model, fitted.prep.outputs);
  return {
    artifact,
    metrics: evaluation.metrics,
    baseline: evaluation.baseline,
    ...(evaluation.reference ? { reference: evaluation.reference } : {}),
    problems,
    rows: { train: trainY.length, holdout: yTest.length, ...(spec.type === 'propensity' ? { positiveRate: meanOf(trainY) } : {}) },
    curves: { history: fitted.history, ...evaluation.curves },
    ...(coef ? { coefficients: coef } : {}),
  };
}

/** The plain logistic/linear regression on just the reference features: its holdout predictions. */
function fitReference(spec: ModelJobSpec, names: readonly string[], x: Matrix, y: Float64Array, testX: Matrix): Float64Array {
  const features = spec.evaluation.reference!;
  const columns = features.map((f) => names.indexOf(f));
  const plain = spec.algorithm === 'neural_network' ? PLAIN : { epochs: spec.training.epochs, learningRate: spec.training.learningRate };
  return fitDense(spec, features, takeColumns(x, columns), y, { hidden: [], ...plain }).predict(takeColumns(testX, columns));
}

/** At most `training.max_rows` training rows, drawn with the seed (the holdout is never sampled). */
function sample(spec: ModelJobSpec, x: Matrix, y: Float64Array): { x: Matrix; y: Float64Array } {
  const max = spec.training.maxRows;
  if (max === undefined || x.rows <= max) return { x, y };
  const rng = seededRng(spec.training.seed ^ 0x2545f491);
  const idx = Array.from({ length: x.rows }, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(idx.length - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const keep = idx.slice(0, max).sort((a, b) => a - b);
  return { x: takeRows(x, keep), y: takeValues(y, keep) };
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

