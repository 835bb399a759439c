import type { Preprocessor } from './preprocess.ts';
import type { DenseModel } from './train/dense.ts';
import type { KMeansModel } from './train/kmeans.ts';
import type { RecommenderModel } from './recommend/model.ts';

/** Everything needed to score with a stored version: weights, normalization, and the training score distribution. */
export interface ModelArtifact {
  features: string[];
  preprocessor?: Preprocessor;
  model: DenseModel | KMeansModel | RecommenderModel;
  /** Training scores' decile edges and the share of training rows in each bin: the drift (PSI) reference. */
  scoreDistribution?: { edges: number[]; shares: number[] };
}
