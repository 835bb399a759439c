/**
 * Personal data, in one place: which fields are personal (`pii: true` in the data model), and how
 * every output that may show a customer (CLI, plans, the dev server, logs, serve, delivery
 * records) masks them.
 */
import { createHash } from 'node:crypto';
import type { DataModel } from './data-model.ts';

/** What a masked personal value shows in tables and previews. */
export const MASKED = '***';

/** The customer fields marked `pii: true`. */
export function personalFields(model: DataModel): Set<string> {
  return new Set(
    Object.entries(model.customers.fields)
      .filter(([, f]) => f.pii)
      .map(([name]) => name),
  );
}

/** A row with every present personal value replaced by `***`. */
export function maskFields(row: Record<string, unknown>, pii: ReadonlySet<string>): Record<string, unknown> {
  // Prototype-free: a column named `__proto__` is an ordinary name here too.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(row)) out[k] = pii.has(k) && v !== null && v !== undefined ? MASKED : v;
  return out;
}

/**
 * A customer id as a plan shows it: the first two characters and a short hash (`c_…3f9a1c`).
 * Stable, so one customer reads the same everywhere in a plan and across plans, but not
 * reversible from the plan alone; ids can themselves be personal (an email used as the key).
 */
export function maskId(id: string): string {
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 6);
  return `${[...id].slice(0, 2).join('')}…${digest}`;
}

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

/** An email address anywhere in a text (as mail servers quote recipients). */
const ADDRESS = /[^\s<>()[\]{},;:"']+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/g;

/**
 * Every email address in a text replaced by `<address>`. Mail servers like to quote the recipient
 * (`550 5.1.1 <ada@example.com>: no such user`); delivery stores and `herald report` prints such
 * texts, and serve logs them, so they pass through here first. Herald's own Message-IDs
 * (`<key>@<domain>`) name no person and stay readable.
 */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, (match) => (/^[0-9a-f]{32}@/.test(match) ? match : '<address>'));
}

/** An outcome text (a transport error, a server response) fit to store: one line, addresses redacted, at most 500 characters. */
export function outcomeText(text: string): string {
  const line = redactAddresses(text.replace(/\s+/g, ' ').trim());
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
