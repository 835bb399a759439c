import type { DataModel } from '../../compiler/contract/data-model.ts';

/**
 * Text about one customer made fit to print: every value of their personal fields (`pii: true`
 * in the data model: email, names) is replaced by `[field]`, so a printed subject line reads
 * `[first_name], you left something behind`. Longer values go first, so an email address is
 * masked whole before a name inside it.
 */
export function maskPersonalText(text: string, customer: Record<string, unknown>, model: DataModel): string {
  const values: Array<[string, string]> = [];
  for (const [field, def] of Object.entries(model.customers.fields)) {
    const v = customer[field];
    if (def.pii && typeof v === 'string' && v.trim().length >= 2) values.push([field, v.trim()]);
  }
  values.sort((a, b) => b[1].length - a[1].length);
  let out = text;
  for (const [field, value] of values) {
    out = out.split(value).join(`[${field}]`);
    // HTML-escaped text carries the value escaped (D'Arcy as D&#39;Arcy).
    const escaped = escapeHtml(value);
    if (escaped !== value) out = out.split(escaped).join(`[${field}]`);
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
