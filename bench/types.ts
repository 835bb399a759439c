/**
 * A benchmark suite: `bench/<area>.bench.ts` default-exports one. The runner (`npm run bench`)
 * times every case over repeated runs, reports medians, and prints each case's ratio against the
 * suite's baseline case, measured in the same run.
 */
export interface BenchCase {
  name: string;
  /** The case others are compared with (e.g. a hand-written SQL query, a plain prepared insert). */
  baseline?: boolean;
  /** Units of work one run performs (rules parsed, rows inserted…), for throughput figures. */
  units?: number;
  unitName?: string;
  /**
   * Cases compared with each other (a query and its hand-written twin) share a group: listed next
   * to each other, they are measured turn about, so changing machine load hits both alike.
   */
  group?: string;
  /** Runs once per measured run, untimed. */
  setup?: () => Promise<void> | void;
  /** The timed work. */
  run: () => Promise<void> | void;
  teardown?: () => Promise<void> | void;
}

export interface BenchSuite {
  name: string;
  /** How many measured runs per case (default 7); the median is reported. */
  runs?: number;
  /** Untimed runs before measuring (default 1). */
  warmup?: number;
  /** Prepares shared state once (generated data, databases). */
  before?: () => Promise<void> | void;
  after?: () => Promise<void> | void;
  cases: BenchCase[];
  /** Targets to check against medians, printed as pass/fail lines (never asserted in tests). */
  targets?: Array<{
    description: string;
    check: (medians: Record<string, number>) => boolean;
    /** The measured figure the target is about (e.g. "1.12x"), printed beside pass/fail. */
    detail?: (medians: Record<string, number>) => string;
  }>;
}
