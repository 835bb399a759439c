/**
 * One spelling of an item id everywhere: shops' codes arrive in mixed case (the Online Retail data
 * writes `35809a` on some lines and `35809A` on others for one product), and a basket, a
 * recommendation or a catalogue lookup must meet the same item whichever spelling an event used.
 * Ingest stores ids in this form (items' `id` and every event's item property); lookups normalise
 * the ids they are asked for the same way, so data loaded before still matches.
 */

/** The event property that names an item (the default `item_property` of recommendation models). */
export const ITEM_ID_PROPERTY = 'item_id';

/** Trimmed and upper-cased; undefined for a missing or blank id. */
export function normalizeItemId(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = (typeof value === 'string' ? value : String(value)).trim();
  return text === '' ? undefined : text.toUpperCase();
}

/**
 * The ids to ask the database for: each as given and in normal form, so rows stored before ids
 * were normalised are still found. Lookups then key what they find by `normalizeItemId`.
 */
export function itemIdLookupKeys(ids: Iterable<unknown>): string[] {
  const keys = new Set<string>();
  for (const id of ids) {
    const n = normalizeItemId(id);
    if (n === undefined) continue;
    keys.add(n);
    keys.add(String(id).trim());
  }
  return [...keys];
}
