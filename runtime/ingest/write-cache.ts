import type { Row } from './store/types.ts';
import { nameTable } from '../../compiler/contract/core/own.ts';

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

  /**
   * The rows of `rows` that would change something, each recorded as written. `ignore` is a
   * column that changes on every write without meaning a change (customers.updated_at).
   */
  changed(table: string, rows: Iterable<Row>, ignore: string): Row[] {
    const known = this.table(table);
    const out: Row[] = [];
    for (const row of rows) {
      const key = row.id as string;
      const before = known.get(key);
      if (before && covers(before, row, ignore)) continue;
      if (!before && ++this.size > MAX_ENTRIES) this.clear();
      const merged: Row = before ?? nameTable();
      for (const k in row) {
        const v = row[k];
        if (k !== ignore && v !== null && v !== undefined) merged[k] = v;
      }
      this.table(table).set(key, merged);
      out.push(row);
    }
    return out;
  }

  clear(): void {
    this.tables.clear();
    this.size = 0;
  }
}

/** Whether every non-null value of `row` (but `ignore`) is already what `before` holds. */
function covers(before: Row, row: Row, ignore: string): boolean {
  for (const k in row) {
    const v = row[k];
    if (k === ignore || v === null || v === undefined) continue;
    if (before[k] !== v) return false;
  }
  return true;
}
