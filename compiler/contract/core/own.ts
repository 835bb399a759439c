/**
 * Name lookups keyed by names a user wrote (fields, traits, event types, segments). A plain `obj[name]`
 * finds `toString`, `constructor` or `__proto__` on Object.prototype, which would make those names
 * look declared; these read and write own properties only, so such names are ordinary names.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** An empty record without a prototype, safe to fill with user-chosen keys (`__proto__` included). */
export function nameTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Adds `n` to the count kept under a user-chosen name in a record made by `nameTable()`. */
export function addCount(record: Record<string, number>, name: string, n = 1): void {
  record[name] = (own(record, name) ?? 0) + n;
}

/**
 * A record's entries in key order. A bare `Object.entries(r).sort()` compares entries as strings,
 * which throws when a value is a `nameTable()` (no prototype, so no `toString`).
 */
export function sortedEntries<T>(record: Readonly<Record<string, T>>): Array<[string, T]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
