import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import { takeRows, takeValues, type Matrix } from '../matrix.ts';
import { fitPreprocessor, transform, type DataIssue, type Preprocessor } from '../preprocess.ts';
import { seededRng, shuffleInPlace } from '../rng.ts';
import { predictDense, trainDense, type DenseModel, type EpochRecord } from './dense.ts';
import { fitLinear } from './linear-models.ts';

export interface FittedDense {
  prep: Preprocessor;
  issues: DataIssue[];
  model: DenseModel;
  history: EpochRecord[];
  /** How the fit was tuned: the L2 strength (and its cross-validation), iterations, convergence. */
  tuning: FitTuning;
  /** Predictions for raw feature rows (the same columns as the training rows). */
  predict(x: Matrix): Float64Array;
}

export interface FitTuning {
  method: 'irls' | 'adam';
  l2: number;
  cv?: Array<{ l2: number; loss: number }>;
  iterations: number;
  converged: boolean;
}

/** Early stopping: epochs without a better validation loss before training stops. */
const PATIENCE = 8;

/**
 * Normalization fitted on the training rows (skewed non-negative inputs read as log(1 + v), so a
 * few huge spenders do not flatten everyone else), then the fit. Without hidden layers: a
 * logistic or linear model solved to convergence by IRLS, its L2 strength chosen by
 * cross-validation on these rows unless `l2` fixes it. With hidden layers: Adam with early
 * stopping on a validation split drawn from these rows (never the evaluation rows).
 */
export function fitDense(
  spec: ModelJobSpec,
  names: readonly string[],
  x: Matrix,
  y: Float64Array,
  options: { hidden: number[]; epochs: number; learningRate: number; l2?: number; robust?: boolean; logTarget?: boolean },
): FittedDense {
  const { prep, issues } = fitPreprocessor(names, x, { logSkewed: true });
  const cols = prep.outputs.length;
  const output = spec.type === 'propensity' ? 'sigmoid' : 'linear';
  const logTarget = options.logTarget ?? spec.training.target === 'log';
  const predict = (model: DenseModel) => (rows: Matrix) => predictDense(model, transform(prep, rows), cols);
  if (options.hidden.length === 0) {
    const fit = fitLinear(transform(prep, x), cols, y, {
      output,
      logTarget,
      robust: options.robust ?? spec.training.loss === 'huber',
      ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
      seed: spec.training.seed,
    });
    const tuning: FitTuning = {
      method: 'irls',
      l2: fit.l2,
      iterations: fit.iterations,
      converged: fit.converged,
      ...(fit.cv ? { cv: fit.cv } : {}),
    };
    return { prep, issues, model: fit.model, history: [], tuning, predict: predict(fit.model) };
  }
  // A fifth of the training rows (seeded) decides when to stop.
  const order = shuffleInPlace(
    Int32Array.from({ length: y.length }, (_, i) => i),
    seededRng(spec.training.seed ^ 0x1b873593),
  ) as Int32Array;
  const cut = Math.max(1, Math.floor(y.length / 5));
  const valid = Array.from(order.subarray(0, cut)).sort((a, b) => a - b);
  const train = Array.from(order.subarray(cut)).sort((a, b) => a - b);
  const { model, history } = trainDense(transform(prep, takeRows(x, train)), cols, Float32Array.from(takeValues(y, train)), {
    output,
    hidden: options.hidden,
    epochs: options.epochs,
    learningRate: options.learningRate,
    batchSize: spec.training.batchSize,
    seed: spec.training.seed,
    l2: options.l2 ?? spec.training.l2,
    logTarget,
    validation: { x: transform(prep, takeRows(x, valid)), y: Float32Array.from(takeValues(y, valid)) },
    patience: PATIENCE,
  });
  const tuning: FitTuning = {
    method: 'adam',
    l2: options.l2 ?? spec.training.l2,
    iterations: history.length,
    converged: history.length < options.epochs,
  };
  return { prep, issues, model, history, tuning, predict: predict(model) };
}
