/**
 * Language tags as templates and customers use them (BCP 47: `en`, `de-AT`, `pt-BR`). Shared by
 * the compiler (catalogue names) and the renderer (choosing a language), hence types and pure
 * functions only.
 */

const TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Languages written right to left: their emails get `dir="rtl"`. */
const RIGHT_TO_LEFT = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'sd', 'dv', 'ckb']);

export function isLanguageTag(value: string): boolean {
  return TAG.test(value);
}

/** `nl-BE` → `nl`; lower case. */
export function baseLanguage(tag: string): string {
  return tag.split(/[-_]/)[0]!.toLowerCase();
}

export function textDirection(tag: string): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(baseLanguage(tag)) ? 'rtl' : 'ltr';
}

/**
 * The language an email is written in, of those a template has: the customer's locale as given
 * (`nl-BE`), then its language (`nl`), then the template's own. Tags compare case-insensitively,
 * with `_` read as `-` (`nl_BE` is common in exports).
 */
export function chooseLanguage(customerLocale: unknown, available: readonly string[], fallback: string): string {
  if (typeof customerLocale !== 'string' || customerLocale.trim() === '') return fallback;
  const wanted = customerLocale.trim().replace(/_/g, '-').toLowerCase();
  const byLower = new Map(available.map((a) => [a.toLowerCase(), a]));
  const exact = byLower.get(wanted);
  if (exact) return exact;
  const base = byLower.get(baseLanguage(wanted));
  return base ?? fallback;
}
