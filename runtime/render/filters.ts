import { currentSettings } from './settings.ts';
import { isMissing, MissingValueError } from './missing.ts';

/**
 * Herald's template filters. Dates and money are formatted with Intl in the recipient's locale
 * and time zone; formatters are cached because building one costs far more than using it.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

/** `default(fallback)`: the fallback when the value is missing (undefined, null or blank). */
export function defaultFilter(value: unknown, fallback: unknown = '', _boolean?: boolean): unknown {
  return isMissing(value) ? fallback : value;
}

const DATE_STYLES = new Set(['short', 'medium', 'long', 'full']);

/** `date(style)`: short | medium | long (default) | full, or `datetime` and `time`. */
export function dateFilter(value: unknown, style: string = 'long'): string {
  const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value : String(value));
  if (Number.isNaN(date.getTime())) throw new MissingValueError(`date got a value that is not a date`);
  const s = currentSettings();
  const key = `d|${s.locale}|${s.timeZone}|${style}`;
  const options: Intl.DateTimeFormatOptions =
    style === 'datetime'
      ? { dateStyle: 'long', timeStyle: 'short' }
      : style === 'time'
        ? { timeStyle: 'short' }
        : { dateStyle: (DATE_STYLES.has(style) ? style : 'long') as Intl.DateTimeFormatOptions['dateStyle'] };
  return cached(key, () => safeDateFormat(s.locale, { ...options, timeZone: s.timeZone })).format(date);
}

/**
 * Formatted amounts by formatter: prices repeat across recipients (the same products), and a
 * lookup is several times cheaper than Intl formatting. Bounded, then simply cleared.
 */
const formattedAmounts = new Map<string, Map<number, string>>();
const MAX_AMOUNTS = 10_000;

/** `currency(code)`: money in the recipient's locale, in the template's currency unless one is given. */
export function currencyFilter(value: unknown, code?: string): string {
  const n = toNumber(value, 'currency');
  const s = currentSettings();
  const currency = code ?? s.currency;
  const key = `c|${s.locale}|${currency}`;
  let amounts = formattedAmounts.get(key);
  if (!amounts) formattedAmounts.set(key, (amounts = new Map()));
  let text = amounts.get(n);
  if (text === undefined) {
    text = cached(key, () => safeNumberFormat(s.locale, { style: 'currency', currency })).format(n);
    if (amounts.size >= MAX_AMOUNTS) amounts.clear();
    amounts.set(n, text);
  }
  return text;
}

/** `number(decimals)`: a number in the recipient's locale. */
export function numberFilter(value: unknown, decimals?: number): string {
  const n = toNumber(value, 'number');
  const s = currentSettings();
  const opts: Intl.NumberFormatOptions = decimals === undefined ? {} : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  return cached(`n|${s.locale}|${decimals ?? ''}`, () => safeNumberFormat(s.locale, opts)).format(n);
}

/** `percent`: 0.25 → "25%". */
export function percentFilter(value: unknown, decimals = 0): string {
  const n = toNumber(value, 'percent');
  const s = currentSettings();
  return cached(`p|${s.locale}|${decimals}`, () =>
    safeNumberFormat(s.locale, { style: 'percent', maximumFractionDigits: decimals }),
  ).format(n);
}

/** `initial`: the first letter, upper-cased ("ada" → "A"). */
export function initialFilter(value: unknown): string {
  const s = String(value).trim();
  return s === '' ? s : [...s][0]!.toLocaleUpperCase();
}

/**
 * Tracked URLs by query, then tracked domains, then URL: product links repeat across recipients.
 * The keys are the template's own string constants, so no key is built per call.
 */
const trackedUrls = new Map<string, Map<string, Map<string, string>>>();
const MAX_TRACKED = 10_000;

/** `track_link(query, domains)`: appends the UTM query to an http(s) link on a tracked host. */
export function trackLinkFilter(value: unknown, query: string, domains: string[] = []): string {
  const url = typeof value === 'string' ? value : String(value);
  let byDomains = trackedUrls.get(query);
  if (!byDomains) trackedUrls.set(query, (byDomains = new Map()));
  const domainKey = domains.length === 0 ? '' : domains.length === 1 ? domains[0]! : domains.join(',');
  let byUrl = byDomains.get(domainKey);
  if (!byUrl) byDomains.set(domainKey, (byUrl = new Map()));
  let tracked = byUrl.get(url);
  if (tracked === undefined) {
    tracked = trackUrl(url, query, domains);
    if (byUrl.size >= MAX_TRACKED) byUrl.clear();
    byUrl.set(url, tracked);
  }
  return tracked;
}

function trackUrl(url: string, query: string, domains: string[]): string {
  const m = /^https?:\/\/([^/?#]*)/i.exec(url);
  if (!m || /[?&]utm_/.test(url)) return url;
  const host = m[1]!.toLowerCase().replace(/:\d+$/, '');
  if (domains.length > 0 && !domains.some((d) => host === d || host.endsWith(`.${d}`))) return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${query}${fragment}`;
}

export const HERALD_FILTER_FUNCTIONS: Record<string, (...args: never[]) => unknown> = {
  default: defaultFilter,
  d: defaultFilter,
  date: dateFilter as (...args: never[]) => unknown,
  currency: currencyFilter as (...args: never[]) => unknown,
  number: numberFilter as (...args: never[]) => unknown,
  percent: percentFilter as (...args: never[]) => unknown,
  initial: initialFilter as (...args: never[]) => unknown,
  track_link: trackLinkFilter as (...args: never[]) => unknown,
};

function toNumber(value: unknown, filter: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new MissingValueError(`${filter} got a value that is not a number`);
  return n;
}

function safeDateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, options);
  } catch {
    // An unknown locale or time zone in customer data must not fail the email: fall back to UTC/en-GB.
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  }
}

function safeNumberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, options);
  } catch {
    return new Intl.NumberFormat('en-GB', options.style === 'currency' ? { ...options, currency: 'GBP' } : options);
  }
}
