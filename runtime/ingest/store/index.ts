import type { DataModel } from '../../../compiler/contract/data-model.ts';
import type { Database } from '../../db/database.ts';
import { postgresStore } from './postgres.ts';
import { sqliteStore } from './sqlite.ts';
import type { IngestStore } from './types.ts';

export type { IngestStore, StoreTx, FileRecord, RejectRow, Row } from './types.ts';
export { ensureIngestTables, ingestTables } from './tables.ts';

export function openStore(db: Database, model: DataModel): IngestStore {
  return db.dialect === 'sqlite' ? sqliteStore(db, model) : postgresStore(db, model);
}
