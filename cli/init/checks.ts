import { suggestTimeZone } from '../../compiler/2-validate/time-zone.ts';
import { isTimeZone } from '../../compiler/contract/core/zones.ts';
import { DatabaseUrlError, parseDatabaseUrl } from '../../runtime/db/url.ts';
import type { Check } from './prompter.ts';

/** Definition and workspace names: the envelope schema's rule (snake_case, at most 63 characters). */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

export const checkName: Check = (value) => {
  if (value.length > 63) return `"${value}" is longer than 63 characters`;
  if (!NAME_PATTERN.test(value)) {
    const better = toSnakeCase(value);
    return `"${value}" is not snake_case (lower-case letters, digits and _, starting with a letter)${better && better !== value ? `; try "${better}"` : ''}`;
  }
  return true;
};

export const checkTimeZone: Check = (value) => {
  if (isTimeZone(value)) return true;
  const close = suggestTimeZone(value);
  return `"${value}" is not an IANA time zone${close ? `; did you mean "${close}"?` : ' (e.g. Europe/London, America/New_York, UTC)'}`;
};

/** A PostgreSQL URL for herald.yaml (SQLite is chosen by name, not by URL). */
export const checkPostgresUrl: Check = (value) => {
  try {
    const location = parseDatabaseUrl(value, '.');
    return location.dialect === 'postgres' ? true : 'give a PostgreSQL URL, e.g. postgres://user@localhost:5432/shop';
  } catch (e) {
    return e instanceof DatabaseUrlError ? e.message : String(e);
  }
};

/** `Acme Shop!` → `acme_shop`: a suggestion for a name that is not snake_case yet. */
export function toSnakeCase(value: string): string {
  const s = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  return /^[a-z]/.test(s) ? s : s === '' ? '' : `w_${s}`.slice(0, 63);
}

/** The machine's time zone, the wizard's default (UTC when it cannot be told). */
export function systemTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZone(zone) ? zone : 'UTC';
}
