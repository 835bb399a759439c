import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { Matrix } from '../matrix.ts';
import { fitPreprocessor, transform, type DataIssue, type Preprocessor } from '../preprocess.ts';
import { predictDense, trainDense, type DenseModel, type EpochRecord } from './dense.ts';

export interface FittedDense {
  prep: Preprocessor;
  issues: DataIssue[];
  model: DenseModel;
  history: EpochRecord[];
  /** Predictions for raw feature rows (the same columns as the training rows). */
  predict(x: Matrix): Float64Array;
}

/**
 * Normalization fitted on the training rows (skewed non-negative inputs read as log(1 + v), so a
 * few huge spenders do not flatten everyone else), then a TensorFlow.js fit with the spec's
 * settings: the model itself, and the plain reference model (`hidden: []`) on a subset of columns.
 */
export function fitDense(
  spec: ModelJobSpec,
  names: readonly string[],
  x: Matrix,
  y: Float64Array,
  options: { hidden: number[]; epochs: number; learningRate: number; validation?: { x: Matrix; y: Float64Array } },
): FittedDense {
  const { prep, issues } = fitPreprocessor(names, x, { logSkewed: true });
  const cols = prep.outputs.length;
  const validation = options.validation ? { x: transform(prep, options.validation.x), y: Float32Array.from(options.validation.y) } : undefined;
  const { model, history } = trainDense(transform(prep, x), cols, Float32Array.from(y), {
    output: spec.type === 'propensity' ? 'sigmoid' : 'linear',
    hidden: options.hidden,
    epochs: options.epochs,
    learningRate: options.learningRate,
    batchSize: spec.training.batchSize,
    seed: spec.training.seed,
    l2: spec.training.l2,
    logTarget: spec.training.target === 'log',
    ...(validation ? { validation } : {}),
  });
  return { prep, issues, model, history, predict: (rows) => predictDense(model, transform(prep, rows), cols) };
}
