import type { Database } from '../../db/database.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { modelTables } from '../../db/migrations/003_models.ts';

/**
 * Makes sure the model tables exist. Where migration 003_models is registered, `migrate` (run by
 * every command on opening the database) has created them and this does nothing; otherwise it
 * applies the migration's statements (all `if not exists`) without recording a schema version,
 * so a later registered run of the same migration finds them and changes nothing.
 */
export async function ensureModelTables(db: Database): Promise<void> {
  if (MIGRATIONS.some((m) => m.name === modelTables.name)) return;
  await db.transaction((trx) => modelTables.up(trx, db.dialect));
}
