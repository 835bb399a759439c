/**
 * The compiled block of a Model definition: the training job the runtime executes. It is part of
 * the manifest (plain JSON), written by compiler/4-emit/kinds/model.ts and read by runtime/models.
 * Everything here has its default filled in, so the runtime never re-derives spec defaults.
 */
import type { CompiledQuery, SqlDialect } from './compiled-sql.ts';

export type ModelType = 'propensity' | 'regression' | 'clusters' | 'recommendations';
export type ModelAlgorithm =
  | 'logistic'
  | 'linear'
  | 'neural_network'
  | 'kmeans'
  | 'item_cosine'
  | 'matrix_factorization'
  | 'content'
  | 'hybrid'
  | 'popularity';
export type Recommender = 'item_cosine' | 'matrix_factorization' | 'content' | 'popularity';

export interface FeatureSpec {
  name: string;
  /** The rule-DSL text. */
  rule: string;
  /** The type-checked rule without spans (for the JavaScript evaluator). */
  ast?: unknown;
  /** `select customer_id, value` per customer as of the `as_of` parameter, per dialect (rows ordered by customer id). */
  sql?: Record<SqlDialect, CompiledQuery>;
}

/** The bar a version must meet to be activated; absent keys are not checked. */
export interface EvaluationBar {
  min_auc?: number;
  max_log_loss?: number;
  max_brier?: number;
  max_rmse?: number;
  max_mae?: number;
  min_r2?: number;
  min_precision_at_k?: number;
  min_recall_at_k?: number;
  min_ndcg_at_k?: number;
  min_silhouette?: number;
  min_lift_over_baseline?: number;
  /** How far the primary metric may fall behind the reference model's (AUC points; relative RMSE). */
  max_gap_to_reference?: number;
}

export interface ModelJobSpec {
  name: string;
  type: ModelType;
  algorithm: ModelAlgorithm;
  /** In the order written: it is the column order of the feature matrix. */
  features: FeatureSpec[];
  label?: FeatureSpec & {
    /** The longest `within next` window of the label, in milliseconds: the gap between cut-off and data end. */
    horizonMs: number;
  };
  /**
   * Which customers the model learns from and scores: a boolean rule as of the cut-off (e.g.
   * `exists(purchase within 3650d)` for a repurchase model). Absent: every customer.
   */
  population?: FeatureSpec;
  /** Top first. Fractions sum to 1. */
  tiers: Array<{ name: string; fraction: number }>;
  clusters?: {
    k?: number;
    kRange?: [number, number];
    selection: 'silhouette' | 'elbow';
    names?: string[];
    /** Clusters are numbered by this feature's mean, highest first (default: by size, largest first). */
    orderBy?: string;
  };
  recommendations?: {
    interactions: Record<string, number>;
    itemProperty: string;
    itemFeatures: string[];
    k: number;
    excludeSeen: boolean;
    /** Blend weights (only the recommenders taking part). */
    weights: Partial<Record<Recommender, number>>;
  };
  evaluation: {
    holdout: number;
    split: 'random' | 'time';
    /** ISO instant, when the spec fixes it. */
    cutoff?: string;
    /**
     * Features of a plain reference model (logistic or linear regression on just these), fitted and
     * measured on the same split and reported beside the model, e.g. recency, frequency, monetary.
     */
    reference?: string[];
    /** Recommendations: the window after the cut-off whose interactions are the ground truth. */
    windowMs?: number;
    bar: EvaluationBar;
  };
  training: {
    epochs: number;
    learningRate: number;
    batchSize: number;
    seed: number;
    hiddenUnits: number[];
    l2: number;
    factors: number;
    maxRows?: number;
    /** Regression: fit the label as it is, or log(1 + label) scaled back to units. */
    target?: 'raw' | 'log';
  };
  retrain: 'on_change' | 'always';
  /** Traits the features or label read: rebuilt as of the cut-off before the feature queries run. */
  traits?: string[];
  /** sha256 of this block without `hash`: a new version is trained only when it (or the data) changes. */
  hash: string;
}
