import type { Matrix } from '../matrix.ts';
import type { Interaction, ItemInfo } from '../recommend/data.ts';
import type { ItemObservation } from '../recommend/point-in-time.ts';

/**
 * Where training and scoring get their data: the seam between the model machinery and the
 * database. Every read is point-in-time: features see only events at or before `asOf`; labels see
 * the window after it. Implementations: in-memory over loaded records (tests, previews, the JS
 * evaluator) and SQL over the database (feature queries compiled from the same rules).
 */
export interface FeatureSource {
  /**
   * One row per customer of the model's population (ordered by id): features as of `asOf` (NaN =
   * missing), and the label when asked. `knownOnly` (training and evaluation snapshots) also leaves
   * out customers with no event at or before `asOf`: the customers table holds everyone ever seen,
   * and a customer who first appears after a cut-off must not be in that cut-off's snapshot.
   */
  snapshot(asOf: Date, options: SnapshotOptions): Promise<Snapshot>;
  /** Interactions with `from < at <= to` (from undefined: since the beginning), weighted by event type. */
  interactions(weights: Readonly<Record<string, number>>, itemProperty: string, to: Date, from?: Date): Promise<Interaction[]>;
  /** The catalogue as loaded (its attributes are the latest loaded: see recommend/point-in-time.ts). */
  items(): Promise<ItemInfo[]>;
  /**
   * The numeric `property` (e.g. the unit price) of every event of `types` naming an item, with
   * `at <= to`, oldest first: how an item's attribute looked at each moment. Empty when those
   * events have no such property.
   */
  itemObservations(types: readonly string[], itemProperty: string, property: string, to: Date): Promise<ItemObservation[]>;
  /** The latest event time (the default as-of of a training run). */
  dataEnd(): Promise<Date | undefined>;
  /** Changes whenever the data changes: a model is retrained only when this or its spec hash moves. */
  fingerprint(): Promise<string>;
}

export interface SnapshotOptions {
  label: boolean;
  customerIds?: readonly string[];
  knownOnly?: boolean;
}

export interface Snapshot {
  /** Feature names: the columns of `x`. */
  names: string[];
  customerIds: string[];
  /** customers × features, in the spec's feature order. */
  x: Matrix;
  labels?: Float64Array;
  /** Features whose values were strings (not usable as numbers), with an example customer. */
  stringFeatures: string[];
}

/** A feature or label compiled to a function over one customer's (point-in-time) record. */
export type RowFunction = (customer: CustomerRecord, events: readonly EventRecord[], asOf: Date) => unknown;

export interface CustomerRecord {
  id: string;
  [field: string]: unknown;
}

export interface EventRecord {
  customer_id: string;
  type: string;
  /** Epoch ms. */
  at: number;
  [property: string]: unknown;
}

export interface ItemRecord {
  id: string;
  [field: string]: unknown;
}
