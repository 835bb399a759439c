/**
 * Deterministic enrichment of the Online Retail data with what it lacks for an email programme:
 * first names, `<id>@example.test` addresses, email consent, time zones, locales and signup dates
 * per customer, browsing (`page_view`) and `added_to_cart` events derived from the purchases, and
 * a few hundred prospects who signed up and browsed but never bought. Every choice comes from a
 * seeded hash of the customer id (and invoice), so the output is the same on every run and
 * machine; nothing here is random.
 *
 *   node bin/run-ts.js scripts/enrich-online-retail.ts [campaigns]
 *
 * Reads campaigns/data/online-retail/*.csv; writes campaigns/data/enrichment/customers.csv and
 * campaigns/data/enrichment/browsing/<YYYY-MM>.csv (one file per month, so a month's change
 * reloads only that month). The files are committed; the script documents how they were made.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { wallClockInstant } from '../compiler/contract/core/zones.ts';

const SEED = 'herald-online-retail-v1';
const workspace = resolve(process.argv[2] ?? 'campaigns');
const sourceDir = join(workspace, 'data', 'online-retail');
const outDir = join(workspace, 'data', 'enrichment');

const FIRST_NAMES = [
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Emily',
  'Sophie',
  'Grace',
  'Lily',
  'Freya',
  'Ella',
  'Chloe',
  'Mia',
  'Ruby',
  'Evie',
  'Jack',
  'Oliver',
  'Harry',
  'George',
  'Noah',
  'Charlie',
  'Jacob',
  'Thomas',
  'Oscar',
  'William',
  'James',
  'Leo',
  'Alfie',
  'Henry',
  'Margaret',
  'Susan',
  'Helen',
  'Claire',
  'Fiona',
  'Aoife',
  'Siobhan',
  'Niamh',
  'Sean',
  'Liam',
  'Conor',
  'Ciaran',
  'Camille',
  'Léa',
  'Chloé',
  'Manon',
  'Louis',
  'Gabriel',
  'Hugo',
  'Arthur',
  'Lukas',
  'Jonas',
  'Leon',
  'Finn',
  'Anna',
  'Lena',
  'Sofia',
  'Lucía',
  'Martina',
  'Mateo',
  'Pablo',
  'Álvaro',
  'Sanne',
  'Daan',
  'Noor',
  'Ingrid',
  'Sven',
  'Astrid',
  'Kenji',
  'Yuki',
  'Zoë',
  'José',
  'Renée',
  "D'Arcy",
];

/** Country (as the data writes it) → time zone and locale. */
const PLACES: Record<string, [string, string]> = {
  'United Kingdom': ['Europe/London', 'en-GB'],
  EIRE: ['Europe/Dublin', 'en-IE'],
  'Channel Islands': ['Europe/Jersey', 'en-GB'],
  France: ['Europe/Paris', 'fr-FR'],
  Germany: ['Europe/Berlin', 'de-DE'],
  Spain: ['Europe/Madrid', 'es-ES'],
  Netherlands: ['Europe/Amsterdam', 'nl-NL'],
  Belgium: ['Europe/Brussels', 'nl-BE'],
  Switzerland: ['Europe/Zurich', 'de-CH'],
  Portugal: ['Europe/Lisbon', 'pt-PT'],
  Australia: ['Australia/Sydney', 'en-AU'],
  Norway: ['Europe/Oslo', 'nb-NO'],
  Italy: ['Europe/Rome', 'it-IT'],
  Finland: ['Europe/Helsinki', 'fi-FI'],
  Cyprus: ['Asia/Nicosia', 'el-CY'],
  Sweden: ['Europe/Stockholm', 'sv-SE'],
  Austria: ['Europe/Vienna', 'de-AT'],
  Denmark: ['Europe/Copenhagen', 'da-DK'],
  Japan: ['Asia/Tokyo', 'ja-JP'],
  Poland: ['Europe/Warsaw', 'pl-PL'],
  Israel: ['Asia/Jerusalem', 'he-IL'],
  USA: ['America/New_York', 'en-US'],
  Canada: ['America/Toronto', 'en-CA'],
  Singapore: ['Asia/Singapore', 'en-SG'],
  Iceland: ['Atlantic/Reykjavik', 'is-IS'],
  Greece: ['Europe/Athens', 'el-GR'],
  Malta: ['Europe/Malta', 'en-MT'],
  'United Arab Emirates': ['Asia/Dubai', 'ar-AE'],
  RSA: ['Africa/Johannesburg', 'en-ZA'],
  Lebanon: ['Asia/Beirut', 'ar-LB'],
  Lithuania: ['Europe/Vilnius', 'lt-LT'],
  Brazil: ['America/Sao_Paulo', 'pt-BR'],
  'Czech Republic': ['Europe/Prague', 'cs-CZ'],
  Bahrain: ['Asia/Bahrain', 'ar-BH'],
  'Saudi Arabia': ['Asia/Riyadh', 'ar-SA'],
};

const LONDON = 'Europe/London';
const DAY = 86_400_000;
const MINUTE = 60_000;

/** A number in [0, 1) fixed by the seed and the parts. */
function unit(...parts: Array<string | number>): number {
  const digest = createHash('sha256')
    .update([SEED, ...parts].join('\u0001'))
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

function pick<T>(list: readonly T[], ...parts: Array<string | number>): T {
  return list[Math.floor(unit(...parts) * list.length)]!;
}

/**
 * A first name, or none for one profile in thirty (people skip optional fields at sign-up), so
 * the templates' defaults meet real gaps.
 */
function firstName(id: string): string {
  return unit('no-name', id) < 1 / 30 ? '' : pick(FIRST_NAMES, 'name', id);
}

/** `YYYY-MM-DD HH:mm:ss` in UTC (the enrichment files say so with a Z-free layout and timezone UTC). */
function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

interface Line {
  invoice: string;
  item: string;
  price: number;
  at: number;
}

interface Customer {
  id: string;
  country: string;
  first: number;
  invoices: Map<string, Line[]>;
}

const customers = new Map<string, Customer>();
const catalogue = new Map<string, number>();
for (const file of readdirSync(sourceDir)
  .filter((f) => f.endsWith('.csv'))
  .sort()) {
  const rows = parse(readFileSync(join(sourceDir, file)), { columns: true, bom: true }) as Array<Record<string, string>>;
  for (const r of rows) {
    // Naive London wall-clock times (the source reads them with timezone Europe/London): the
    // instant they name, so from April to October a cart lands before its purchase, not after.
    const at = wallClockInstant(Date.parse(`${r.InvoiceDate!.replace(' ', 'T')}Z`), LONDON);
    if (!/^\d/.test(r.StockCode!) || Number(r.UnitPrice) <= 0) continue; // products only
    catalogue.set(r.StockCode!, Number(r.UnitPrice));
    if (r.CustomerID === '' || r.InvoiceNo!.startsWith('C') || Number(r.Quantity) <= 0) continue;
    const id = r.CustomerID!.replace(/\.0+$/, '');
    let c = customers.get(id);
    if (!c) customers.set(id, (c = { id, country: r.Country!, first: at, invoices: new Map() }));
    c.country = r.Country!;
    c.first = Math.min(c.first, at);
    const lines = c.invoices.get(r.InvoiceNo!) ?? [];
    lines.push({ invoice: r.InvoiceNo!, item: r.StockCode!, price: Number(r.UnitPrice), at });
    c.invoices.set(r.InvoiceNo!, lines);
  }
}

/** The last invoice of the data (London time; GMT in December). */
const END = wallClockInstant(Date.UTC(2011, 11, 9, 12, 50), LONDON);
const products = [...catalogue.keys()].sort();

// Prospects: signed up in the last 60 days of the data, browsed, never bought.
const PROSPECTS = 400;
const prospects = Array.from({ length: PROSPECTS }, (_, i) => `P${String(i + 1).padStart(4, '0')}`);

const profileLines = ['customer_id,first_name,email,email_consent,timezone,locale,signup_at'];
const events: Array<{ month: string; line: string; at: number }> = [];
const push = (customer: string, type: string, at: number, item: string, price: number | null) => {
  events.push({ month: stamp(at).slice(0, 7), at, line: `${customer},${type},${stamp(at)},${item},${price ?? ''}` });
};

for (const c of [...customers.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
  const [timezone, locale] = PLACES[c.country] ?? ['Europe/London', 'en-GB'];
  // Signed up between the same day and 90 days before the first order.
  const signup = c.first - Math.floor(unit('signup', c.id) * 90 * DAY);
  const consent = unit('consent', c.id) < 0.85;
  profileLines.push([c.id, firstName(c.id), `${c.id}@example.test`, consent, timezone, locale, stamp(signup)].map(csvField).join(','));
  for (const [invoice, lines] of [...c.invoices.entries()].sort()) {
    const at = lines[0]!.at;
    // Before buying: two product views and the add to cart of one of the products bought.
    for (const k of [0, 1]) {
      const line = pick(lines, 'view', invoice, k);
      push(c.id, 'page_view', at - Math.floor((10 + unit('view-at', invoice, k) * 50) * MINUTE), line.item, null);
    }
    const carted = pick(lines, 'cart', invoice);
    push(c.id, 'added_to_cart', at - Math.floor((2 + unit('cart-at', invoice) * 8) * MINUTE), carted.item, carted.price);
    // Sometimes they come back a few days later, add something and leave it there.
    if (unit('abandon', invoice) < 0.15) {
      const item = pick(products, 'abandon-item', invoice);
      const later = at + Math.floor((1 + unit('abandon-at', invoice) * 4) * DAY);
      if (later < END) {
        push(c.id, 'page_view', later - 5 * MINUTE, item, null);
        push(c.id, 'added_to_cart', later, item, catalogue.get(item)!);
      }
    }
  }
}
for (const id of prospects) {
  const signup = END - Math.floor(unit('signup', id) * 60 * DAY);
  const country = unit('country', id) < 0.8 ? 'United Kingdom' : pick(['France', 'Germany', 'EIRE', 'Netherlands'], 'country-of', id);
  const [timezone, locale] = PLACES[country]!;
  profileLines.push(
    [id, firstName(id), `${id.toLowerCase()}@example.test`, unit('consent', id) < 0.9, timezone, locale, stamp(signup)]
      .map(csvField)
      .join(','),
  );
  const views = 1 + Math.floor(unit('views', id) * 4);
  for (let k = 0; k < views; k++) {
    const at = signup + Math.floor(unit('prospect-view', id, k) * 3 * DAY);
    if (at < END) push(id, 'page_view', at, pick(products, 'prospect-item', id, k), null);
  }
  if (unit('prospect-cart', id) < 0.3) {
    const item = pick(products, 'prospect-cart-item', id);
    const at = signup + Math.floor(unit('prospect-cart-at', id) * 2 * DAY);
    if (at < END) push(id, 'added_to_cart', at, item, catalogue.get(item)!);
  }
}

function csvField(value: unknown): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'browsing'), { recursive: true });
writeFileSync(join(outDir, 'customers.csv'), `${profileLines.join('\n')}\n`);
const byMonth = new Map<string, typeof events>();
for (const e of events) byMonth.set(e.month, [...(byMonth.get(e.month) ?? []), e]);
for (const [month, list] of [...byMonth.entries()].sort()) {
  list.sort((a, b) => a.at - b.at || (a.line < b.line ? -1 : 1));
  writeFileSync(join(outDir, 'browsing', `${month}.csv`), `customer_id,type,at,item_id,price\n${list.map((e) => e.line).join('\n')}\n`);
}
process.stdout.write(
  `${profileLines.length - 1} profiles (${PROSPECTS} prospects), ${events.length} browsing events in ${byMonth.size} files under ${outDir}\n`,
);
