import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { ModelArtifact } from '../artifact.ts';
import type { FeatureSource } from '../features/source.ts';
import { fitPreprocessor, transform } from '../preprocess.ts';
import { fail, type ModelProblem } from '../problems.ts';
import { kmeans, renumber, searchK, silhouette, type KMeansModel, type KSearchRecord } from './kmeans.ts';
import type { Matrix } from '../matrix.ts';
import { issuesToProblems, MIN_TRAIN_ROWS } from './supervised.ts';
import { modelRunMessages } from '../../../compiler/contract/messages/models-run.ts';

export interface ClustersResult {
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  problems: ModelProblem[];
  rows: { train: number; holdout: number };
  search: KSearchRecord[];
  /** Per cluster: size and centroid in original units (means of its members). */
  profiles: Array<{ cluster: number; name: string; size: number; means: Record<string, number> }>;
}

/** k-means over standardized features as of the cut-off; k fixed or searched. */
export async function trainClusters(spec: ModelJobSpec, source: FeatureSource, asOf: Date): Promise<ClustersResult> {
  const snap = await source.snapshot(asOf, { label: false, knownOnly: true });
  const names = snap.names;
  if (snap.stringFeatures.length > 0)
    fail(spec.name, 'HL575', modelRunMessages.HL575({ model: spec.name, feature: snap.stringFeatures[0]! }));
  if (snap.customerIds.length < MIN_TRAIN_ROWS) {
    fail(
      spec.name,
      'HL570',
      modelRunMessages.HL570({ model: spec.name, customers: snap.customerIds.length, clusteringNeeds: MIN_TRAIN_ROWS }),
    );
  }
  const { prep, issues } = fitPreprocessor(names, snap.x, { logSkewed: true });
  const problems = issuesToProblems(spec.name, issues);
  const x = transform(prep, snap.x);
  const dims = prep.outputs.length;
  const c = spec.clusters!;
  const seed = spec.training.seed;
  const found =
    c.k !== undefined ? { ...kmeans(x, dims, c.k, seed), search: [] as KSearchRecord[] } : searchK(x, dims, c.kRange!, c.selection, seed);
  const run = c.orderBy !== undefined ? { ...found, ...orderByFeature(found, snap.x, names.indexOf(c.orderBy)) } : found;
  const sil = c.k !== undefined ? silhouette(x, dims, run.assignment, c.k, seed) : run.search.find((r) => r.k === run.model.k)!.silhouette;
  const profiles = run.model.sizes.map((size, cluster) => {
    const means: Record<string, number> = {};
    names.forEach((name, j) => {
      let sum = 0;
      let n = 0;
      run.assignment.forEach((a, i) => {
        const v = snap.x.data[i * names.length + j]!;
        if (a === cluster && Number.isFinite(v)) {
          sum += v;
          n++;
        }
      });
      means[name] = n ? sum / n : NaN;
    });
    return { cluster, name: c.names?.[cluster] ?? `cluster_${cluster + 1}`, size, means };
  });
  return {
    artifact: { features: names, preprocessor: prep, model: run.model },
    metrics: { silhouette: sil, k: run.model.k, inertia: run.model.inertia },
    baseline: { name: 'a single cluster (silhouette 0)', metrics: { silhouette: 0 } },
    problems,
    rows: { train: snap.customerIds.length, holdout: 0 },
    search: run.search,
    profiles,
  };
}

/** Clusters renumbered by their members' mean of one raw feature, highest first (missing values left out). */
function orderByFeature(run: { model: KMeansModel; assignment: Int32Array }, raw: Matrix, column: number) {
  const sums = new Float64Array(run.model.k);
  const counts = new Float64Array(run.model.k);
  run.assignment.forEach((c, i) => {
    const v = raw.data[i * raw.cols + column]!;
    if (!Number.isFinite(v)) return;
    sums[c]! += v;
    counts[c]!++;
  });
  const mean = (c: number) => (counts[c]! > 0 ? sums[c]! / counts[c]! : -Infinity);
  const order = Array.from({ length: run.model.k }, (_, c) => c).sort((a, b) => mean(b) - mean(a) || a - b);
  return renumber(run.model, run.assignment, order);
}
