import { tf } from '../backend.ts';
import { seededRng, shuffleInPlace, type Rng } from '../rng.ts';

/**
 * Logistic/linear regression and small multi-layer networks, trained with TensorFlow.js by a
 * hand-written mini-batch loop (Adam). The loop, not `model.fit`, so every random choice (initial
 * weights, batch order) comes from the seeded generator: same data + seed, same weights.
 */
export interface DenseLayer {
  inputs: number;
  units: number;
  activation: 'relu' | 'linear';
  /** Row-major inputs × units. */
  w: number[];
  b: number[];
}

export interface DenseModel {
  kind: 'dense';
  /** sigmoid: probabilities (propensity); linear: numbers (regression). */
  output: 'sigmoid' | 'linear';
  layers: DenseLayer[];
  /** Regression targets are standardized for training; predictions are scaled back. */
  target?: {
    mean: number;
    std: number;
    /**
     * Fitted on log(1 + y): predictions are exp(v) - 1, kept within [0, the largest training
     * label] and multiplied by `scale` (least squares on the training rows), which undoes the
     * log's pull towards the typical customer so predicted totals add up.
     */
    log?: { scale: number; max: number };
  };
}

export interface DenseOptions {
  output: 'sigmoid' | 'linear';
  hidden: number[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  l2: number;
  /** Regression: fit log(1 + y) (y below 0 counts as 0); for long-tailed amounts such as spend. */
  logTarget?: boolean;
  /** Rows to report a per-epoch loss on (a validation split of the training rows), beside the training loss. */
  validation?: { x: Float32Array; y: Float32Array };
  /** Early stopping: stop after this many epochs without a better validation loss, keeping the best weights. */
  patience?: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  validationLoss?: number;
}

export function trainDense(
  x: Float32Array,
  cols: number,
  y: Float32Array,
  opts: DenseOptions,
): { model: DenseModel; history: EpochRecord[] } {
  const rows = y.length;
  const rng = seededRng(opts.seed);
  let target: DenseModel['target'];
  const log = opts.output === 'linear' && opts.logTarget === true;
  const toFit = (v: Float32Array) => (log ? v.map((t) => Math.log1p(Math.max(0, t))) : v);
  let yTrain = toFit(y);
  let yVal = opts.validation ? toFit(opts.validation.y) : undefined;
  if (opts.output === 'linear') {
    target = standardizer(yTrain);
    yTrain = scale(yTrain, target);
    if (yVal) yVal = scale(yVal, target);
  }
  const sizes = [cols, ...opts.hidden, 1];
  const vars = sizes.slice(1).map((units, i) => initLayer(sizes[i]!, units, rng));
  const optimizer = tf.train.adam(opts.learningRate);
  const history: EpochRecord[] = [];
  const xAll = tf.tensor2d(x, [rows, cols]);
  const yAll = tf.tensor2d(yTrain, [rows, 1]);
  const xVal = opts.validation ? tf.tensor2d(opts.validation.x, [opts.validation.y.length, cols]) : undefined;
  const yValT = yVal ? tf.tensor2d(yVal, [yVal.length, 1]) : undefined;
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const batch = Math.max(1, Math.min(opts.batchSize, rows));
  const trainable = vars.flatMap((v) => [v.w, v.b]);
  let best: { loss: number; weights: Array<{ w: number[]; b: number[] }> } | undefined;
  let sinceBest = 0;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      shuffleInPlace(order, rng);
      for (let start = 0; start < rows; start += batch) {
        const idx = tf.tensor1d(order.subarray(start, Math.min(rows, start + batch)), 'int32');
        optimizer.minimize(
          () => {
            const xb = tf.gather(xAll, idx);
            const yb = tf.gather(yAll, idx);
            return lossOf(forward(vars, xb, opts.output), yb, opts.output, vars, opts.l2);
          },
          false,
          trainable,
        );
        idx.dispose();
      }
      const record: EpochRecord = { epoch, loss: scalarLoss(vars, xAll, yAll, opts.output) };
      if (xVal && yValT) record.validationLoss = scalarLoss(vars, xVal, yValT, opts.output);
      history.push(record);
      if (opts.patience !== undefined && record.validationLoss !== undefined) {
        if (!best || record.validationLoss < best.loss - 1e-7) {
          best = {
            loss: record.validationLoss,
            weights: vars.map((v) => ({ w: Array.from(v.w.dataSync()), b: Array.from(v.b.dataSync()) })),
          };
          sinceBest = 0;
        } else if (++sinceBest >= opts.patience) break;
      }
    }
    const layers: DenseLayer[] = vars.map((v, i) => ({
      inputs: sizes[i]!,
      units: sizes[i + 1]!,
      activation: i < vars.length - 1 ? 'relu' : 'linear',
      w: best ? best.weights[i]!.w : Array.from(v.w.dataSync()),
      b: best ? best.weights[i]!.b : Array.from(v.b.dataSync()),
    }));
    const model: DenseModel = { kind: 'dense', output: opts.output, layers, ...(target ? { target } : {}) };
    if (log && model.target) model.target.log = logScale(model, x, cols, y);
    return { model, history };
  } finally {
    tf.dispose([xAll, yAll, ...(xVal ? [xVal] : []), ...(yValT ? [yValT] : []), ...trainable]);
    optimizer.dispose();
  }
}

/** Predictions in large batches (one tensor per `batchRows` rows) so millions of rows fit in memory. */
export function predictDense(model: DenseModel, x: Float32Array, cols: number, batchRows = 131_072): Float64Array {
  const rows = cols > 0 ? x.length / cols : 0;
  const out = new Float64Array(rows);
  const weights = model.layers.map((l) => ({ w: tf.tensor2d(l.w, [l.inputs, l.units]), b: tf.tensor1d(l.b) }));
  try {
    for (let start = 0; start < rows; start += batchRows) {
      const end = Math.min(rows, start + batchRows);
      const values = tf.tidy(() => {
        let h: tf.Tensor2D = tf.tensor2d(x.subarray(start * cols, end * cols), [end - start, cols]);
        model.layers.forEach((l, i) => {
          h = tf.add(tf.matMul(h, weights[i]!.w), weights[i]!.b) as tf.Tensor2D;
          if (l.activation === 'relu') h = tf.relu(h);
        });
        return model.output === 'sigmoid' ? tf.sigmoid(h) : h;
      });
      const data = values.dataSync();
      values.dispose();
      for (let i = 0; i < data.length; i++) {
        out[start + i] = model.target ? fromTarget(data[i]!, model.target) : data[i]!;
      }
    }
  } finally {
    for (const w of weights) tf.dispose([w.w, w.b]);
  }
  return out;
}

/** The first layer's weights when the model is a single layer (logistic/linear): readable coefficients. */
export function coefficients(model: DenseModel, names: readonly string[]): Array<{ feature: string; weight: number }> | undefined {
  if (model.layers.length !== 1) return undefined;
  const l = model.layers[0]!;
  return names.map((feature, i) => ({ feature, weight: l.w[i]! })).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
}

interface LayerVars {
  w: tf.Variable;
  b: tf.Variable;
  relu: boolean;
}

function initLayer(inputs: number, units: number, rng: Rng): LayerVars {
  // Glorot uniform, drawn from the seeded generator.
  const limit = Math.sqrt(6 / (inputs + units));
  const w = new Float32Array(inputs * units);
  for (let i = 0; i < w.length; i++) w[i] = (rng.next() * 2 - 1) * limit;
  return { w: tf.variable(tf.tensor2d(w, [inputs, units])), b: tf.variable(tf.zeros([units])), relu: units !== 1 };
}

function forward(vars: LayerVars[], x: tf.Tensor, _output: 'sigmoid' | 'linear'): tf.Tensor {
  let h = x;
  vars.forEach((v, i) => {
    h = tf.add(tf.matMul(h as tf.Tensor2D, v.w as tf.Tensor2D), v.b);
    if (i < vars.length - 1) h = tf.relu(h);
  });
  return h; // logits for sigmoid output
}

function lossOf(out: tf.Tensor, y: tf.Tensor, output: 'sigmoid' | 'linear', vars: LayerVars[], l2: number): tf.Scalar {
  const base = output === 'sigmoid' ? tf.losses.sigmoidCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
  if (l2 <= 0) return base as tf.Scalar;
  const penalty = vars.reduce((acc: tf.Tensor, v) => tf.add(acc, tf.sum(tf.square(v.w))), tf.scalar(0));
  return tf.add(base, tf.mul(penalty, l2)) as tf.Scalar;
}

function scalarLoss(vars: LayerVars[], x: tf.Tensor, y: tf.Tensor, output: 'sigmoid' | 'linear'): number {
  return tf.tidy(() => lossOf(forward(vars, x, output), y, output, vars, 0).dataSync()[0]!);
}

/** A prediction in the label's units. */
function fromTarget(v: number, t: NonNullable<DenseModel['target']>): number {
  const z = v * t.std + t.mean;
  return t.log ? t.log.scale * Math.min(t.log.max, Math.max(0, Math.expm1(z))) : z;
}

/** The log target's back-transform: the clip and the least-squares scale on the training rows. */
export function logScale(model: DenseModel, x: Float32Array, cols: number, y: Float32Array): { scale: number; max: number } {
  let max = 0;
  for (const v of y) max = Math.max(max, v);
  const unscaled = predictDense({ ...model, target: { ...model.target!, log: { scale: 1, max } } }, x, cols);
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    num += unscaled[i]! * y[i]!;
    den += unscaled[i]! * unscaled[i]!;
  }
  return { scale: den > 0 && num > 0 ? num / den : 1, max };
}

function standardizer(y: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of y) sum += v;
  const mean = sum / y.length;
  let ss = 0;
  for (const v of y) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / Math.max(1, y.length - 1));
  return { mean, std: std > 0 ? std : 1 };
}

function scale(y: Float32Array, t: { mean: number; std: number }): Float32Array {
  return y.map((v) => (v - t.mean) / t.std);
}
