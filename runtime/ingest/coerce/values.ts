import type { FieldType } from '../../../compiler/contract/data-model.ts';
import type { TimestampParser } from './timestamp.ts';

/** A value converted to its data-model type, or why it could not be. */
export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string; detail: string };

/** Why a value could not be converted (the only allocation coercion makes, and only on failure). */
export class Invalid {
  constructor(
    readonly reason: string,
    /** The value as read, quoted, then what it is not: `"zed" is not an email address`. */
    readonly detail: string,
    /** The same without the value (`a value of 3 characters is not an email address`), for personal fields. */
    readonly masked: string = detail,
  ) {}
}

/**
 * Reasons are stored with the reject and printed by ingest reports: for a personal field (an
 * email, or `pii: true`) the value itself must not be in them, only its shape.
 */
export function withoutValue(invalid: Invalid): Invalid {
  return new Invalid(invalid.reason, invalid.masked, invalid.masked);
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@+\-]{0,127}$/;
const INTEGRAL_FLOAT = /^(-?\d+)\.0+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Converts a mapped value to the storage form of its data-model type (the database contract):
 * ids and strings as trimmed text (an id written as a float, `17850.0`, is `17850`), numbers as
 * finite doubles, booleans as true/false, timestamps and dates as epoch milliseconds, emails
 * trimmed and lower-cased. null stays null (missing).
 */
export function coerce(value: unknown, type: FieldType, parseTimestamp: TimestampParser): Coerced {
  const v = coerceValue(value, type, parseTimestamp);
  return v instanceof Invalid ? { ok: false, reason: v.reason, detail: v.detail } : { ok: true, value: v };
}

/** As `coerce`, returning the converted value itself or an `Invalid` (the hot path of ingestion). */
export function coerceValue(value: unknown, type: FieldType, parseTimestamp: TimestampParser): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'id':
      return coerceId(value);
    case 'string': {
      const text = typeof value === 'string' ? value.trim() : String(value);
      return text === '' ? null : text;
    }
    case 'email': {
      const text = String(value).trim().toLowerCase();
      if (text === '') return null;
      return EMAIL.test(text) ? text : fail('invalid_email', text, 'is not an email address');
    }
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
      if (!Number.isFinite(n)) return fail('invalid_number', String(value), 'is not a number');
      if (type === 'integer' && !Number.isInteger(n)) return fail('invalid_number', String(value), 'is not a whole number');
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      return fail('invalid_boolean', String(value), 'is not true or false');
    }
    case 'timestamp':
    case 'date': {
      // Numbers are epoch milliseconds already (what the DSL's timestamp arithmetic yields).
      if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fail('invalid_timestamp', value, 'is not a time');
      const ms = parseTimestamp(String(value).trim());
      if (ms === null) return fail('invalid_timestamp', String(value), 'is not a date or time this source understands');
      return type === 'date' ? Math.floor(ms / 86_400_000) * 86_400_000 : ms;
    }
  }
}

function coerceId(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : fail('invalid_id', value, 'is not an id (it has a fraction)');
  }
  const text = String(value).trim();
  if (text === '') return null;
  const integral = INTEGRAL_FLOAT.exec(text);
  if (integral) return integral[1];
  if (!ID.test(text)) return fail('invalid_id', text, 'is not an id (letters, digits and _ . : @ + - only)');
  if (/^-?\d+\.\d+$/.test(text)) return fail('invalid_id', text, 'is not an id (it has a fraction)');
  return text;
}

function fail(reason: string, value: unknown, claim: string): Invalid {
  const text = String(value);
  return new Invalid(
    reason,
    typeof value === 'number' ? `${text} ${claim}` : `"${text}" ${claim}`,
    `a value of ${[...text].length} characters ${claim}`,
  );
}
