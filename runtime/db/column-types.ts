import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from './database.ts';

/**
 * How each kind of value is stored (the database contract): timestamps as epoch milliseconds,
 * booleans as 0/1 on SQLite and BOOLEAN on PostgreSQL, numbers as doubles, strings as TEXT.
 */
export type StorageType = 'text' | 'double' | 'bigint' | 'boolean';

/**
 * Data-model field types (compiler/contract/data-model.ts FieldType) and rule value types (trait
 * outputs, compiler/contract/compiled-sql.ts RuleValueType) to their storage.
 */
export const STORAGE_OF_FIELD: Readonly<Record<string, StorageType>> = {
  string: 'text',
  email: 'text',
  id: 'text',
  number: 'double',
  integer: 'bigint',
  boolean: 'boolean',
  // A date is the epoch milliseconds of its midnight UTC, so date and timestamp compare directly.
  timestamp: 'bigint',
  date: 'bigint',
  duration: 'bigint',
};

const SQL_TYPES: Record<Dialect, Record<StorageType, string>> = {
  sqlite: { text: 'text', double: 'real', bigint: 'integer', boolean: 'integer' },
  postgres: { text: 'text', double: 'double precision', bigint: 'bigint', boolean: 'boolean' },
};

export function sqlTypeName(dialect: Dialect, storage: StorageType): string {
  return SQL_TYPES[dialect][storage];
}

/** The column type as a Kysely data type expression (fixed words from the table above, never user text). */
export function columnType(dialect: Dialect, storage: StorageType): RawBuilder<unknown> {
  return sql.raw(sqlTypeName(dialect, storage));
}

export function storageOfField(type: string): StorageType {
  const storage = STORAGE_OF_FIELD[type];
  if (!storage) throw new Error(`internal: no storage for field type "${type}"`);
  return storage;
}
