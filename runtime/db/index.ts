/** The runtime database layer: open by URL, migrate the fixed schema, sync the data model. */
export type { Database, Dialect, Executor } from './database.ts';
export { openDatabase, type OpenOptions } from './open.ts';
export { parseDatabaseUrl, redactUrl, DatabaseUrlError, type DatabaseLocation } from './url.ts';
export { migrate, SchemaVersionError, type MigrateResult } from './migrate.ts';
export { syncSchema, traitTableName, SchemaSyncError, type SyncResult, type TraitTableSpec } from './sync.ts';
export { STORAGE_OF_FIELD, storageOfField, sqlTypeName, type StorageType } from './column-types.ts';
export { runCompiled, quoteIdent } from './compiled.ts';
export { registerSqliteFunctions, SQLITE_FUNCTIONS } from './sqlite-functions.ts';
