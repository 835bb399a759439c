import { createHash } from 'node:crypto';
import { parseDuration } from '../contract/core/durations.ts';
import { utcInstant } from '../contract/core/instants.ts';
import { DURATION_MS } from '../contract/core/rule-paths.ts';
import type { ModelAlgorithm, ModelJobSpec, ModelType, Recommender } from '../contract/model-job.ts';

/** A Model spec as written (after schema validation). */
export interface RawModelSpec {
  type: ModelType;
  label?: string;
  population?: string;
  features?: Record<string, string>;
  algorithm?: ModelAlgorithm;
  hybrid?: Partial<Record<Recommender, number>>;
  tiers?: Record<string, number>;
  clusters?: { k?: number; k_range?: [number, number]; selection?: 'silhouette' | 'elbow'; names?: string[]; order_by?: string };
  interactions?: Record<string, number>;
  item_property?: string;
  item_features?: string[];
  k?: number;
  exclude_seen?: boolean;
  evaluation?: Record<string, unknown> & {
    holdout?: number;
    split?: 'random' | 'time';
    cutoff?: string;
    reference?: string[];
    window?: string;
    folds?: number;
    fold_step?: string;
  };
  training?: {
    epochs?: number;
    learning_rate?: number;
    batch_size?: number;
    seed?: number;
    hidden_units?: number[];
    l2?: number;
    factors?: number;
    max_rows?: number;
    target?: 'raw' | 'log';
    loss?: 'squared' | 'huber';
    half_life?: string;
  };
  retrain?: 'on_change' | 'always' | { every: string; when_drift_psi_above?: number };
}

export const DEFAULT_ALGORITHM: Record<ModelType, ModelAlgorithm> = {
  propensity: 'logistic',
  regression: 'linear',
  clusters: 'kmeans',
  recommendations: 'hybrid',
};

/** Which algorithms each type accepts (clusters always use k-means, so `algorithm` is not read). */
export const ALGORITHMS_BY_TYPE: Record<ModelType, readonly ModelAlgorithm[]> = {
  propensity: ['logistic', 'neural_network'],
  regression: ['linear', 'neural_network'],
  clusters: ['kmeans'],
  recommendations: ['item_cosine', 'matrix_factorization', 'content', 'hybrid', 'popularity', 'ease'],
};

/** The default blend; content takes part only when the spec lists `item_features` to compare. */
export const DEFAULT_HYBRID: Partial<Record<Recommender, number>> = { item_cosine: 0.5, matrix_factorization: 0.3, content: 0.2 };
export const DEFAULT_HYBRID_WITHOUT_CONTENT: Partial<Record<Recommender, number>> = { item_cosine: 0.6, matrix_factorization: 0.4 };
export const DEFAULT_TIERS = [
  { name: 'high', fraction: 0.2 },
  { name: 'medium', fraction: 0.3 },
  { name: 'low', fraction: 0.5 },
];

const BAR_KEYS = [
  'min_auc',
  'max_log_loss',
  'max_brier',
  'max_rmse',
  'max_mae',
  'min_r2',
  'min_precision_at_k',
  'min_recall_at_k',
  'min_ndcg_at_k',
  'min_silhouette',
  'min_lift_over_baseline',
  'max_gap_to_reference',
] as const;

/**
 * The longest `within next <duration>` window in a label, in ms (0 when there is none). Read from
 * the text so it works before and after the rule parser: the syntax is fixed by the DSL contract.
 */
export function labelHorizonMs(label: string): number {
  let longest = 0;
  for (const m of label.matchAll(/\bwithin\s+next\s+(\d+(?:\.\d+)?)\s*([smhdw])\b/g)) {
    longest = Math.max(longest, Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS]);
  }
  return longest;
}

/** Fills in every default and computes the spec hash. Pure: no clock, no randomness. */
export function compileModelSpec(name: string, raw: RawModelSpec): ModelJobSpec {
  const type = raw.type;
  const algorithm = type === 'clusters' ? 'kmeans' : (raw.algorithm ?? DEFAULT_ALGORITHM[type]);
  const nn = algorithm === 'neural_network';
  const features = Object.entries(raw.features ?? {}).map(([fname, rule]) => ({ name: fname, rule }));
  const evaluation = raw.evaluation ?? {};
  const bar: ModelJobSpec['evaluation']['bar'] = {};
  for (const key of BAR_KEYS) {
    const v = evaluation[key];
    if (typeof v === 'number') bar[key] = v;
  }
  const t = raw.training ?? {};
  const spec: Omit<ModelJobSpec, 'hash'> = {
    name,
    type,
    algorithm,
    features,
    tiers: raw.tiers ? Object.entries(raw.tiers).map(([tname, fraction]) => ({ name: tname, fraction })) : DEFAULT_TIERS,
    evaluation: {
      holdout: evaluation.holdout ?? 0.2,
      split: evaluation.split ?? 'random',
      ...(evaluation.cutoff !== undefined ? { cutoff: normalizeInstant(evaluation.cutoff) } : {}),
      ...(evaluation.reference?.length ? { reference: evaluation.reference } : {}),
      ...(evaluation.window !== undefined && parseDuration(evaluation.window) !== undefined
        ? { windowMs: parseDuration(evaluation.window) }
        : {}),
      folds: evaluation.folds ?? 3,
      foldStepMs: (evaluation.fold_step !== undefined ? parseDuration(evaluation.fold_step) : undefined) ?? 30 * 86_400_000,
      bar,
    },
    training: {
      epochs: t.epochs ?? (algorithm === 'matrix_factorization' || algorithm === 'hybrid' ? 10 : nn ? 100 : 60),
      learningRate: t.learning_rate ?? (nn ? 0.01 : 0.05),
      batchSize: t.batch_size ?? 256,
      seed: t.seed ?? 42,
      hiddenUnits: t.hidden_units ?? [16, 8],
      l2: t.l2 ?? (type === 'recommendations' ? 0.1 : 0.0001),
      factors: t.factors ?? 16,
      ...(t.max_rows !== undefined ? { maxRows: t.max_rows } : {}),
      ...(type === 'regression' ? { target: t.target ?? 'raw', loss: t.loss ?? 'squared' } : {}),
      ...(type === 'recommendations' && t.half_life !== undefined && parseDuration(t.half_life) !== undefined
        ? { halfLifeMs: parseDuration(t.half_life) }
        : {}),
    },
    retrain: typeof raw.retrain === 'string' ? raw.retrain : 'on_change',
  };
  if (raw.label !== undefined) spec.label = { name: 'label', rule: raw.label, horizonMs: labelHorizonMs(raw.label) };
  if (raw.population !== undefined) spec.population = { name: 'population', rule: raw.population };
  if (type === 'clusters') {
    const c = raw.clusters ?? {};
    spec.clusters = {
      ...(c.k !== undefined ? { k: c.k } : {}),
      ...(c.k_range !== undefined ? { kRange: c.k_range } : c.k === undefined ? { kRange: [2, 8] as [number, number] } : {}),
      selection: c.selection ?? 'silhouette',
      ...(c.names !== undefined ? { names: c.names } : {}),
      ...(c.order_by !== undefined ? { orderBy: c.order_by } : {}),
    };
  }
  if (type === 'recommendations') {
    const weights: Partial<Record<Recommender, number>> =
      algorithm === 'hybrid'
        ? (raw.hybrid ?? (raw.item_features?.length ? DEFAULT_HYBRID : DEFAULT_HYBRID_WITHOUT_CONTENT))
        : { [algorithm as Recommender]: 1 };
    spec.recommendations = {
      interactions: raw.interactions ?? { purchase: 1 },
      itemProperty: raw.item_property ?? 'item_id',
      itemFeatures: raw.item_features ?? [],
      k: raw.k ?? 10,
      excludeSeen: raw.exclude_seen ?? true,
      weights: Object.fromEntries(Object.entries(weights).filter(([, w]) => (w ?? 0) > 0)),
    };
  }
  // The schedule says when to retrain, not what the model is: it stays out of the spec hash, so
  // changing it never makes a trained version stale.
  const schedule = typeof raw.retrain === 'object' && raw.retrain !== null ? scheduleOf(raw.retrain) : undefined;
  return { ...spec, hash: specHash(spec), ...(schedule ? { schedule } : {}) };
}

function scheduleOf(r: { every: string; when_drift_psi_above?: number }): ModelJobSpec['schedule'] {
  const everyMs = parseDuration(r.every);
  if (everyMs === undefined || everyMs <= 0) return undefined;
  return { everyMs, ...(r.when_drift_psi_above !== undefined ? { driftPsiAbove: r.when_drift_psi_above } : {}) };
}

/**
 * An ISO instant in UTC. A time without a zone is UTC, as everywhere in Herald (rules, --as-of),
 * so the cut-off means the same on every machine; text that is not a time is kept for the schema's error.
 */
export function normalizeInstant(text: string): string {
  const ms = utcInstant(text);
  return ms === undefined ? text : new Date(ms).toISOString();
}

/** sha256 over canonical JSON (object keys sorted): the same spec always hashes the same. */
export function specHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
