import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import { initBackend } from './backend.ts';
import { checkBar, liftOverBaseline } from './bar.ts';
import type { FeatureSource } from './features/source.ts';
import { fail, type ModelProblem } from './problems.ts';
import { renderReport, type ReportCurves, type TrainReport } from './report/report.ts';
import type { ModelStore, ModelVersion } from './store/types.ts';
import { trainClusters } from './train/clusters.ts';
import { recommendationWindowMs, trainRecommendations } from './train/recommendations.ts';
import { trainSupervised } from './train/supervised.ts';
import { modelRunMessages } from '../../compiler/contract/messages/models-run.ts';

export interface TrainOptions {
  /** The end of the data to use (default: the latest event). */
  asOf?: Date;
  /** Train even when neither the spec nor the data changed. */
  force?: boolean;
  /** The clock for `createdAt` (injected so tests are reproducible). */
  now?: () => Date;
}

export type TrainOutcome =
  | { status: 'unchanged'; version: ModelVersion }
  | { status: 'activated' | 'rejected'; version: ModelVersion; report: TrainReport; problems: ModelProblem[] };

/**
 * Trains one model: skips when the spec hash and the data fingerprint match the latest version,
 * otherwise fits, evaluates against the baseline, stores the version with its reports, and
 * activates it only when it meets its bar (the previous active version stays otherwise).
 */
export async function trainModel(
  spec: ModelJobSpec,
  source: FeatureSource,
  store: ModelStore,
  options: TrainOptions = {},
): Promise<TrainOutcome> {
  await initBackend();
  const dataEnd = options.asOf ?? (await source.dataEnd());
  if (!dataEnd) fail(spec.name, 'HL578', modelRunMessages.HL578({ model: spec.name }), 'run `herald ingest` first');
  const fingerprint = `${await source.fingerprint()}@${dataEnd.toISOString()}`;
  const latest = (await store.versions(spec.name)).at(-1);
  if (!options.force && spec.retrain === 'on_change' && latest && latest.specHash === spec.hash && latest.dataFingerprint === fingerprint) {
    return { status: 'unchanged', version: latest };
  }
  const horizon = spec.label?.horizonMs ?? 0;
  const cutoff = spec.evaluation.cutoff
    ? new Date(spec.evaluation.cutoff)
    : new Date(
        dataEnd.getTime() - (spec.type === 'recommendations' ? recommendationWindowMs(spec) : spec.type === 'clusters' ? 0 : horizon),
      );

  let result: {
    artifact: ModelVersion['artifact'];
    metrics: Record<string, number>;
    baseline: ModelVersion['baseline'];
    reference?: ModelVersion['reference'];
    problems: ModelProblem[];
    rows: TrainReport['rows'];
  };
  const extra: Partial<TrainReport> = {};
  let curves: ReportCurves = {};
  switch (spec.type) {
    case 'propensity':
    case 'regression': {
      const r = await trainSupervised(spec, source, dataEnd);
      result = r;
      curves = {
        ...(r.curves.roc ? { roc: r.curves.roc } : {}),
        ...(r.curves.baselineRoc ? { baselineRoc: r.curves.baselineRoc } : {}),
        ...(r.curves.referenceRoc ? { referenceRoc: r.curves.referenceRoc } : {}),
      };
      extra.history = r.curves.history;
      if (r.curves.calibration) extra.calibration = r.curves.calibration;
      if (r.curves.lift) extra.lift = r.curves.lift;
      if (r.coefficients) extra.coefficients = r.coefficients;
      extra.backtest = r.backtest;
      break;
    }
    case 'clusters': {
      const r = await trainClusters(spec, source, cutoff);
      result = r;
      extra.kSearch = r.search;
      extra.clusters = r.profiles;
      break;
    }
    case 'recommendations': {
      const r = await trainRecommendations(spec, source, dataEnd);
      result = r;
      extra.backtest = r.backtest;
      break;
    }
  }
  const reasons = checkBar(spec.type, spec.evaluation.bar, result.metrics, result.baseline.metrics, result.reference?.metrics);
  const passed = reasons.length === 0;
  const createdAt = (options.now?.() ?? new Date()).toISOString();
  const lift = liftOverBaseline(spec.type, result.metrics, result.baseline.metrics);
  let report: TrainReport | undefined;
  const version = await store.save(
    {
      model: spec.name,
      createdAt,
      specHash: spec.hash,
      dataFingerprint: fingerprint,
      cutoff: cutoff.toISOString(),
      asOf: dataEnd.toISOString(),
      metrics: result.metrics,
      baseline: result.baseline,
      ...(result.reference ? { reference: result.reference } : {}),
      passed,
      reasons,
      artifact: result.artifact,
    },
    (number) => {
      report = {
        model: spec.name,
        version: number,
        type: spec.type,
        algorithm: spec.algorithm,
        specHash: spec.hash,
        cutoff: cutoff.toISOString(),
        asOf: dataEnd.toISOString(),
        split: spec.type === 'clusters' ? spec.evaluation.split : 'time',
        rows: result.rows,
        metrics: result.metrics,
        baseline: result.baseline,
        ...(result.reference ? { reference: result.reference } : {}),
        ...(lift !== undefined ? { liftOverBaseline: lift } : {}),
        bar: spec.evaluation.bar,
        passed,
        reasons,
        problems: result.problems,
        ...extra,
      };
      return renderReport(report, curves);
    },
  );
  if (passed) await store.activate(spec.name, version.version);
  return { status: passed ? 'activated' : 'rejected', version, report: report!, problems: result.problems };
}
