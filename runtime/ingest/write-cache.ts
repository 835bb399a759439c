import type { Row } from './store/types.ts';

/** Entries kept before the cache starts over: bounded memory whatever the feed's size. */
const MAX_ENTRIES = 200_000;

/**
 * What this run has already written of each customer and item (their non-null values). Daily
 * files repeat the same customers and products on many lines; a row that would change nothing is
 * not written again. Only the store's contents matter for correctness, so the cache is cleared
 * whenever a file's transaction is rolled back (what it remembers may not have been committed).
 */
export class WriteCache {
  private readonly tables = new Map<string, Map<string, Row>>();
  private size = 0;

  private table(name: string): Map<string, Row> {
    let known = this.tables.get(name);
    if (!known) this.tables.set(name, (known = new Map()));
    return known;
  }

  /** True when upserting `row` into `table` would change nothing this run has written. */
  unchanged(table: string, row: Row, ignore: string): boolean {
    const before = this.table(table).get(row.id as string);
    if (!before) return false;
    for (const k in row) {
      const v = row[k];
      if (k === ignore || v === null || v === undefined) continue;
      if (before[k] !== v) return false;
    }
    return true;
  }

  /** Records that `row` was written (merged with what was written before). */
  written(table: string, row: Row, ignore: string): void {
    const known = this.table(table);
    const key = row.id as string;
    const before = known.get(key);
    if (!before && ++this.size > MAX_ENTRIES) this.clear();
    const merged: Row = before ?? {};
    for (const k in row) {
      const v = row[k];
      if (k !== ignore && v !== null && v !== undefined) merged[k] = v;
    }
    this.table(table).set(key, merged);
  }

  clear(): void {
    this.tables.clear();
    this.size = 0;
  }
}
