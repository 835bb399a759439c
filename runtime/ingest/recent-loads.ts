import type { FileStats } from './monitor.ts';
import type { FileRecord } from './store/types.ts';

/**
 * The most recent loads of one source (by path, as `IngestStore.history` orders them), read from
 * the database once per run and then kept in step with every file the run commits, so that
 * checking each new file against the norm costs no query and no re-parsing of stored stats.
 */
export class RecentLoads {
  /** Sorted by path, oldest first; at most `limit` entries, like the query it replaces. */
  private entries: Array<{ path: string; stats: FileStats }>;

  constructor(
    private readonly limit: number,
    records: readonly FileRecord[],
  ) {
    this.entries = records.map((r) => ({ path: r.path, stats: JSON.parse(r.stats) as FileStats })).sort(byPath);
  }

  /** The stats of the recent loads other than `path`'s (a reloaded file is not its own norm). */
  statsExcept(path: string): FileStats[] {
    return this.entries.filter((e) => e.path !== path).map((e) => e.stats);
  }

  /** Records a committed load (replacing an earlier load of the same path). */
  add(record: Pick<FileRecord, 'path'>, stats: FileStats): void {
    this.entries = this.entries.filter((e) => e.path !== record.path);
    this.entries.push({ path: record.path, stats });
    this.entries.sort(byPath);
    if (this.entries.length > this.limit) this.entries = this.entries.slice(this.entries.length - this.limit);
  }
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
