import type { ModelArtifact } from '../artifact.ts';

/** One trained version of a model, as stored. */
export interface ModelVersion {
  model: string;
  version: number;
  createdAt: string;
  specHash: string;
  dataFingerprint: string;
  /** Features as of this instant, label from the window after it. */
  cutoff: string;
  /** The end of the data the run saw. */
  asOf: string;
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  /** The plain reference model on the same split (`evaluation.reference`), when the spec asks for one. */
  reference?: { name: string; metrics: Record<string, number> };
  passed: boolean;
  /** Why the bar was not met (empty when passed). */
  reasons: string[];
  /** Report files, relative to the store root. */
  reports: string[];
  artifact: ModelArtifact;
}

export interface ScoreRow {
  customerId: string;
  score: number | null;
  tier: string | null;
  cluster: number | null;
}

export interface RecommendationRow {
  customerId: string;
  rank: number;
  itemId: string;
  score: number;
}

/**
 * The versioned model store. A file-system implementation keeps it under .herald/models/; a
 * database implementation keeps the same records in model_versions / model_scores /
 * model_recommendations tables.
 */
export interface ModelStore {
  /**
   * Stores a new version, numbered after the latest, with its report files (rendered once the
   * number is known, since reports name it) and returns it. Does not activate it.
   */
  save(
    version: Omit<ModelVersion, 'version' | 'reports'>,
    reports: (version: number) => ReadonlyMap<string, string>,
  ): Promise<ModelVersion>;
  versions(model: string): Promise<ModelVersion[]>;
  get(model: string, version: number): Promise<ModelVersion | undefined>;
  active(model: string): Promise<ModelVersion | undefined>;
  activate(model: string, version: number): Promise<void>;
  /** Replaces the model's scores with these (one row per customer). */
  writeScores(model: string, version: number, rows: readonly ScoreRow[]): Promise<void>;
  readScores(model: string): Promise<Array<ScoreRow & { version: number }>>;
  writeRecommendations(model: string, version: number, rows: readonly RecommendationRow[]): Promise<void>;
  readRecommendations(model: string): Promise<Array<RecommendationRow & { version: number }>>;
  /** Writes (or replaces) report files of a stored version, e.g. the drift report of a scoring run; returns their paths. */
  writeReports(model: string, version: number, files: ReadonlyMap<string, string>): Promise<string[]>;
  /** The folder report paths are relative to (for messages). */
  readonly root: string;
}
