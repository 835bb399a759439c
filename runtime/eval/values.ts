/**
 * Values of the JavaScript evaluator and the comparisons that give them the same meaning as the
 * SQL backend: two-valued logic (any comparison with a missing value is false) and strings ordered
 * by Unicode code point, which is UTF-8 byte order: what SQLite's BINARY and PostgreSQL's
 * COLLATE "C" use. (Plain `<` on JS strings compares UTF-16 code units, which puts characters
 * above U+FFFF before U+E000..U+FFFF; compareStrings fixes that up.)
 */
import type { RuleValueType } from '../../compiler/contract/compiled-sql.ts';

/** Timestamps and durations are milliseconds; missing is null. */
export type Value = number | string | boolean | null;

export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Both in the surrogate-or-above range: move surrogates (astral characters) above U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Order of two present values of the same type (numbers, strings, booleans false < true). */
export function compareValues(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function equal(a: Value, b: Value): boolean {
  return a !== null && b !== null && a === b;
}

/**
 * Reads a stored value as the rule type says. Stored forms vary by database: booleans are 0/1 on
 * SQLite, BIGINT arrives as a string from PostgreSQL, a timestamp may be a Date or ISO text.
 */
export function reader(type: RuleValueType): (raw: unknown) => Value {
  switch (type) {
    case 'number':
    case 'duration':
      return toNumber;
    case 'timestamp':
      return toMillis;
    case 'boolean':
      return toBoolean;
    case 'string':
      return (raw) => (raw == null ? null : typeof raw === 'string' ? raw : String(raw));
    default:
      return (raw) => (raw === undefined ? null : (raw as Value));
  }
}

export function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (raw == null || raw === '') return null;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

export function toMillis(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.getTime();
  if (typeof raw === 'string' && raw !== '' && !/^-?\d+$/.test(raw)) {
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? null : ms;
  }
  return toNumber(raw);
}

export function toBoolean(raw: unknown): boolean | null {
  if (raw == null) return null;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return raw !== 0 && raw !== 0n;
  if (raw === 'true' || raw === 't' || raw === '1') return true;
  if (raw === 'false' || raw === 'f' || raw === '0') return false;
  return null;
}
