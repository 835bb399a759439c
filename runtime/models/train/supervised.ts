import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { ModelArtifact } from '../artifact.ts';
import { at, backtestMeans, summarizeBacktest, type Backtest, type Contender } from '../backtest/backtest.ts';
import { temporalFolds, type Fold } from '../backtest/folds.ts';
import type { FeatureSource, Snapshot } from '../features/source.ts';
import { takeColumns, type Matrix } from '../matrix.ts';
import {
  auc,
  binShares,
  brier,
  calibration,
  liftByDecile,
  logLoss,
  mae,
  meanOf,
  quantileEdges,
  r2,
  rmse,
  rocCurve,
  topShare,
  type CalibrationBin,
  type LiftDecile,
} from '../metrics.ts';
import type { DataIssue } from '../preprocess.ts';
import { fail, problem, type ModelProblem } from '../problems.ts';
import { coefficients, type EpochRecord } from './dense.ts';
import { fitDense, type FittedDense } from './fit-dense.ts';
import { bestSingleFeature, describeSingleFeature, singleFeatureScores } from './single-feature.ts';
import { modelRunMessages } from '../../../compiler/contract/messages/models-run.ts';

export const MIN_TRAIN_ROWS = 20;
export const MIN_HOLDOUT_ROWS = 10;

type Roc = Array<{ fpr: number; tpr: number }>;

/** What a supervised run hands to the report and the store. */
export interface SupervisedResult {
  artifact: ModelArtifact;
  /** Backtest means: what the bar reads. */
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  /** The plain reference model (`evaluation.reference`), measured on the same folds. */
  reference?: { name: string; metrics: Record<string, number> };
  backtest: Backtest;
  problems: ModelProblem[];
  rows: { train: number; holdout: number; positiveRate?: number };
  curves: { history: EpochRecord[]; roc?: Roc; baselineRoc?: Roc; referenceRoc?: Roc; calibration?: CalibrationBin[]; lift?: LiftDecile[] };
  coefficients?: Array<{ feature: string; weight: number }>;
}

const PROPENSITY_METRICS = ['auc', 'log_loss', 'brier'] as const;
const REGRESSION_METRICS = ['rmse', 'mae', 'r2', 'top_20_share'] as const;

/** Per fold: the test labels, and each contender's predictions (or ranking scores) for them. */
interface FoldRun {
  fold: Fold;
  train: number;
  y: Float64Array;
  scores: Map<string, Float64Array>;
  fitted: FittedDense;
}

/**
 * Propensity and regression, backtested: for each temporal fold (see backtest/folds.ts) the model
 * learns from the snapshot one label window before the fold's cut-off (features as of then, the
 * label from the window up to the cut-off) and is judged on every customer as of the cut-off
 * (the label from the window after it), beside the baselines fitted on the same rows: the best
 * single feature (chosen on the training rows), the base rate or training mean, a converged plain
 * logistic/linear regression on all features, and the reference model. The stored model is then
 * fitted on the latest labelled snapshot (one window before the end of the data).
 */
export async function trainSupervised(spec: ModelJobSpec, source: FeatureSource, dataEnd: Date): Promise<SupervisedResult> {
  const problems: ModelProblem[] = [];
  const horizon = spec.label?.horizonMs ?? 0;
  if (!(horizon > 0)) fail(spec.name, 'HL570', modelRunMessages.HL570({ model: spec.name, labelDoesNotLookAhead: true }));
  const plan = temporalFolds(dataEnd.getTime(), horizon, spec.evaluation.folds, spec.evaluation.foldStepMs);
  const snapshots = new Map<number, Promise<Snapshot>>();
  const snapshot = (ms: number) => {
    let s = snapshots.get(ms);
    if (!s) snapshots.set(ms, (s = source.snapshot(new Date(ms), { label: true, knownOnly: true })));
    return s;
  };
  const runs: FoldRun[] = [];
  const tuning: NonNullable<Backtest['tuning']> = [];
  let names: string[] = [];
  for (const fold of [...plan.backtest, plan.final]) {
    const train = await snapshot(fold.cutoff - horizon);
    const test = await snapshot(fold.cutoff);
    names = train.names;
    checkRows(spec, train, test, fold);
    const yTrain = checkLabels(spec, train.labels!);
    const yTest = checkLabels(spec, test.labels!, true);
    const run = fitFold(spec, names, train.x, yTrain, test.x, yTest);
    runs.push({ fold, train: yTrain.length, ...run });
    const t = run.fitted.tuning;
    tuning.push({
      fold: fold.index,
      choice:
        t.method === 'irls'
          ? `L2 ${t.l2} (IRLS, ${t.iterations} iterations${t.converged ? ', converged' : ', not converged'})`
          : `${t.iterations} epochs of Adam (early stopping on a validation split)`,
      ...(t.cv ? { tried: t.cv.map((c) => ({ setting: `L2 ${c.l2}`, loss: c.loss })) } : {}),
      iterations: t.iterations,
      converged: t.converged,
    });
  }
  const backtest = summarizeBacktest(
    plan,
    runs.map((r) => r.y.length),
    runs.map((r) => r.train),
    spec.type === 'propensity' ? PROPENSITY_METRICS : REGRESSION_METRICS,
    contenders(spec, runs),
  );
  backtest.tuning = tuning;

  // The stored model: learned from the latest labelled snapshot, tuned the same way.
  const latest = await snapshot(plan.final.cutoff);
  const yLatest = checkLabels(spec, latest.labels!);
  const fitted = fitModel(spec, latest.names, latest.x, yLatest);
  problems.push(...issuesToProblems(spec.name, fitted.issues));
  const latestScores = fitted.predict(latest.x);
  const edges = quantileEdges(latestScores, 10);
  const artifact: ModelArtifact = {
    features: latest.names,
    preprocessor: fitted.prep,
    model: fitted.model,
    scoreDistribution: { edges, shares: binShares(latestScores, edges) },
  };
  for (const t of tuning) {
    if (t.converged === false && t.choice.includes('IRLS'))
      problems.push(problem(spec.name, 'HL580', 'warning', modelRunMessages.HL580({ model: spec.name, fold: t.fold, notConverged: true })));
  }

  const [model, ...others] = backtest.contenders;
  const baselineIndex =
    spec.type === 'propensity'
      ? others.findIndex((c) => c.name === 'best single feature')
      : others.findIndex((c) => c.name === 'training mean');
  const base = others[baselineIndex]!;
  const baseMetrics = backtestMeans(base);
  if (spec.type === 'propensity') {
    const rate = others.find((c) => c.name === 'base rate');
    if (rate) Object.assign(baseMetrics, { log_loss: rate.backtest.log_loss!.mean, brier: rate.backtest.brier!.mean });
  } else {
    const sorted = others.find((c) => c.name.startsWith('sort by'));
    if (sorted) baseMetrics.top_20_share = sorted.backtest.top_20_share!.mean;
  }
  const ref = others.find((c) => c.name === 'reference');
  // Curves pooled over the backtest folds (the final fold stays for its own figures).
  const pooled = pool(runs.slice(0, plan.backtest.length));
  const coef = coefficients(fitted.model, fitted.prep.outputs);
  return {
    artifact,
    metrics: { ...backtestMeans(model!), ...(spec.type === 'propensity' ? { positive_rate: meanOf(pooled.y) } : {}) },
    baseline: {
      name:
        base.description +
        (spec.type === 'propensity'
          ? '; the base rate for log loss and Brier'
          : '; sorting by the best single feature for the top-20% share'),
      metrics: baseMetrics,
    },
    ...(ref ? { reference: { name: ref.description, metrics: backtestMeans(ref) } } : {}),
    backtest,
    problems,
    rows: {
      train: yLatest.length,
      holdout: runs.reduce((s, r) => s + r.y.length, 0),
      ...(spec.type === 'propensity' ? { positiveRate: meanOf(yLatest) } : {}),
    },
    curves: {
      history: fitted.history,
      ...(spec.type === 'propensity'
        ? {
            roc: thin(rocCurve(pooled.y, pooled.scores.get('model')!)),
            baselineRoc: thin(rocCurve(pooled.y, pooled.scores.get('best single feature')!)),
            ...(pooled.scores.has('reference') ? { referenceRoc: thin(rocCurve(pooled.y, pooled.scores.get('reference')!)) } : {}),
            calibration: calibration(pooled.y, pooled.scores.get('model')!, 10),
            lift: liftByDecile(pooled.y, pooled.scores.get('model')!, 10),
          }
        : {}),
    },
    ...(coef ? { coefficients: coef } : {}),
  };
}

/** The spec's model: IRLS (L2 by cross-validation) without hidden layers, Adam with early stopping with them. */
function fitModel(spec: ModelJobSpec, names: readonly string[], x: Matrix, y: Float64Array): FittedDense {
  const nn = spec.algorithm === 'neural_network';
  return fitDense(spec, names, x, y, {
    hidden: nn ? spec.training.hiddenUnits : [],
    epochs: spec.training.epochs,
    learningRate: spec.training.learningRate,
  });
}

/** One fold: the model and every baseline fitted on the training rows, scored on the test rows. */
function fitFold(
  spec: ModelJobSpec,
  names: readonly string[],
  x: Matrix,
  y: Float64Array,
  testX: Matrix,
  testY: Float64Array,
): Omit<FoldRun, 'fold' | 'train'> {
  const fitted = fitModel(spec, names, x, y);
  const scores = new Map<string, Float64Array>();
  scores.set('model', fitted.predict(testX));
  // A converged plain regression on the same features, no penalty, no robust loss, raw target.
  const plain = fitDense(spec, names, x, y, { hidden: [], epochs: 0, learningRate: 0, l2: 0, robust: false, logTarget: false });
  scores.set('plain', plain.predict(testX));
  if (spec.evaluation.reference) {
    const cols = spec.evaluation.reference.map((f) => names.indexOf(f));
    const ref = fitDense(spec, spec.evaluation.reference, takeColumns(x, cols), y, {
      hidden: [],
      epochs: 0,
      learningRate: 0,
      l2: 0,
      robust: false,
      logTarget: false,
    });
    scores.set('reference', ref.predict(takeColumns(testX, cols)));
  }
  const quality = spec.type === 'propensity' ? (s: Float64Array) => auc(y, s) : (s: Float64Array) => topShare(y, s);
  const single = bestSingleFeature(names, x, quality);
  const mean = meanOf(y);
  scores.set(
    'best single feature',
    single ? singleFeatureScores(testX, single.column, single.direction) : new Float64Array(testY.length).fill(mean),
  );
  scores.set('constant', new Float64Array(testY.length).fill(mean));
  singleNames.set(
    scores.get('best single feature')!,
    describeSingleFeature(single, spec.type === 'propensity' ? 'is likelier' : 'is worth more'),
  );
  return { y: testY, scores, fitted };
}

/** The best single feature's description per fold's scores (folds may choose different features). */
const singleNames = new WeakMap<Float64Array, string>();

function contenders(spec: ModelJobSpec, runs: FoldRun[]): Contender[] {
  const scoreOf = (name: string) => (fold: number, rows: Int32Array) => at(runs[fold]!.scores.get(name)!, rows);
  const yOf = (fold: number, rows: Int32Array) => at(runs[fold]!.y, rows);
  const singles = [...new Set(runs.map((r) => singleNames.get(r.scores.get('best single feature')!)))].join(' / ');
  const measure =
    (name: string): Contender['measure'] =>
    (metric, fold, rows) => {
      const y = yOf(fold, rows);
      const p = scoreOf(name)(fold, rows);
      switch (metric) {
        case 'auc':
          return auc(y, p);
        case 'log_loss':
          return logLoss(y, p);
        case 'brier':
          return brier(y, p);
        case 'rmse':
          return rmse(y, p);
        case 'mae':
          return mae(y, p);
        case 'r2':
          return r2(y, p);
        case 'top_20_share':
          return topShare(y, p);
        default:
          return NaN;
      }
    };
  const algorithm = spec.algorithm.replace(/_/g, ' ');
  if (spec.type === 'propensity') {
    const all = PROPENSITY_METRICS;
    return [
      { name: 'model', description: `the model (${algorithm})`, measure: measure('model'), metrics: all },
      {
        name: 'logistic regression',
        description: 'a converged logistic regression on the same features (no penalty)',
        measure: measure('plain'),
        metrics: all,
      },
      ...(spec.evaluation.reference
        ? [
            {
              name: 'reference',
              description: `logistic regression on ${spec.evaluation.reference.join(', ')} only`,
              measure: measure('reference'),
              metrics: all,
            },
          ]
        : []),
      {
        name: 'best single feature',
        description: `best single feature: ${singles}`,
        measure: measure('best single feature'),
        metrics: ['auc'],
      },
      { name: 'base rate', description: 'the training base rate', measure: measure('constant'), metrics: ['log_loss', 'brier'] },
    ];
  }
  const all = REGRESSION_METRICS;
  return [
    {
      name: 'model',
      description: `the model (${algorithm}${spec.training.loss === 'huber' ? ', Huber loss' : ''}${spec.training.target === 'log' ? ', log target scaled back' : ''})`,
      measure: measure('model'),
      metrics: all,
    },
    { name: 'linear regression', description: 'least squares on the same features, raw target', measure: measure('plain'), metrics: all },
    ...(spec.evaluation.reference
      ? [
          {
            name: 'reference',
            description: `linear regression on ${spec.evaluation.reference.join(', ')} only`,
            measure: measure('reference'),
            metrics: all,
          },
        ]
      : []),
    {
      name: `sort by ${singles}`,
      description: `sorting by ${singles}`,
      measure: measure('best single feature'),
      metrics: ['top_20_share'],
    },
    { name: 'training mean', description: 'the training mean', measure: measure('constant'), metrics: ['rmse', 'mae', 'r2'] },
  ];
}

function pool(runs: FoldRun[]): { y: Float64Array; scores: Map<string, Float64Array> } {
  const concat = (parts: Float64Array[]) => {
    const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const scores = new Map<string, Float64Array>();
  for (const name of runs[0]!.scores.keys()) scores.set(name, concat(runs.map((r) => r.scores.get(name)!)));
  return { y: concat(runs.map((r) => r.y)), scores };
}

function checkRows(spec: ModelJobSpec, train: Snapshot, test: Snapshot, fold: Fold): void {
  if (train.stringFeatures.length > 0) {
    const f = train.stringFeatures[0]!;
    fail(
      spec.name,
      'HL575',
      modelRunMessages.HL575({ model: spec.name, feature: f }),
      'compare it instead, e.g. country = "United Kingdom"',
    );
  }
  if (train.customerIds.length < MIN_TRAIN_ROWS || test.customerIds.length < MIN_HOLDOUT_ROWS) {
    fail(
      spec.name,
      'HL570',
      modelRunMessages.HL570({
        model: spec.name,
        fold: fold.index,
        cutoff: fold.cutoff,
        trainRows: train.customerIds.length,
        testRows: test.customerIds.length,
        minTrain: MIN_TRAIN_ROWS,
        minTest: MIN_HOLDOUT_ROWS,
      }),
      'load more data, or lower evaluation.folds or evaluation.fold_step',
    );
  }
}

function checkLabels(spec: ModelJobSpec, labels: Float64Array, test = false): Float64Array {
  if (spec.type === 'propensity') {
    const out = labels.map((v) => (Number.isNaN(v) ? 0 : v)); // a missing label is "did not happen"
    const bad = out.find((v) => v !== 0 && v !== 1);
    if (bad !== undefined)
      fail(spec.name, 'HL581', modelRunMessages.HL581({ model: spec.name, notBoolean: bad }), 'use exists(...) or a comparison');
    if (out.length > 0 && out.every((v) => v === out[0])) {
      if (test)
        fail(
          spec.name,
          'HL570',
          modelRunMessages.HL570({ model: spec.name, oneLabelClassInTestFold: true }),
          'load more data, or lower evaluation.folds',
        );
      fail(
        spec.name,
        'HL571',
        modelRunMessages.HL571({ model: spec.name, label: out[0] === 1 ? 'true' : 'false' }),
        'check the label rule and evaluation.cutoff against the data range',
      );
    }
    return out;
  }
  const missing = labels.filter((v) => !Number.isFinite(v)).length;
  if (missing > 0)
    fail(spec.name, 'HL581', modelRunMessages.HL581({ model: spec.name, missing, of: labels.length }), 'wrap it in if(x is null, 0, x)');
  if (!test && labels.length > 0 && labels.every((v) => v === labels[0])) {
    fail(spec.name, 'HL571', modelRunMessages.HL571({ model: spec.name, label: labels[0]! }), 'check the label rule and evaluation.cutoff');
  }
  return labels;
}

export function issuesToProblems(model: string, issues: readonly DataIssue[]): ModelProblem[] {
  return issues.map((issue) => {
    switch (issue.kind) {
      case 'always_missing':
        return fail(model, 'HL573', modelRunMessages.HL573({ model, feature: issue.feature }), 'fix its rule or remove it');
      case 'constant':
        return problem(model, 'HL580', 'warning', modelRunMessages.HL580({ model, feature: issue.feature, constant: issue.value }));
      case 'non_finite':
        return problem(
          model,
          'HL574',
          'warning',
          modelRunMessages.HL574({ model, feature: issue.feature, nan: issue.nan, infinite: issue.infinite }),
        );
    }
  });
}

/** Fewer points for plots: at most ~200 along the curve, ends kept. */
function thin<T>(points: T[], max = 200): T[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}
