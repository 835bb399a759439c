import type { Kysely, Transaction } from 'kysely';
import type { DataModel, Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { migrate } from '../../../runtime/db/migrate.ts';
import { SchemaSyncError, syncSchema, type TraitTableSpec } from '../../../runtime/db/sync.ts';
import type { PlanNote } from '../document.ts';
import { firstLine } from '../errors.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

/**
 * Inside the plan's session: brings the schema up to date for both sides' data models, so a
 * query over a field the head adds (no data loaded for it yet: every value empty) runs instead of
 * failing. The stored trait tables are left as they are (the plan computes traits into temporary
 * copies). All of it is rolled back with the session. Returns notes for the plan.
 */
export async function prepareSchema(session: Database, head: Manifest, base: Manifest | undefined): Promise<PlanNote[]> {
  await migrate(session);
  const notes: PlanNote[] = [];
  try {
    const traits = await recordedTraitTables(session.kysely);
    const result = await syncSchema(session, base ? unionModel(head.dataModel, base.dataModel) : head.dataModel, traits);
    if (result.addedColumns.length > 0) {
      notes.push({
        code: 'HL556',
        severity: 'info',
        message: messageOf('HL556', { newColumns: result.addedColumns }),
      });
    }
  } catch (e) {
    if (!(e instanceof SchemaSyncError)) throw e;
    notes.push({ code: 'HL556', severity: 'warning', message: messageOf('HL556', { cannotHoldModel: firstLine(e) }) });
  }
  return notes;
}

/** The head's model with the base's fields it no longer declares (their columns stay in the database). */
function unionModel(head: DataModel, base: DataModel): DataModel {
  const events: DataModel['events'] = { ...base.events };
  for (const [type, props] of Object.entries(head.events)) events[type] = { ...(base.events[type] ?? {}), ...props };
  return {
    customers: { ...head.customers, fields: { ...base.customers.fields, ...head.customers.fields } },
    events,
    items: { fields: { ...base.items.fields, ...head.items.fields } },
  };
}

/** The trait tables as the database records them, so the schema sync keeps every one as it is. */
async function recordedTraitTables(db: Kysely<any> | Transaction<any>): Promise<TraitTableSpec[]> {
  const rows = await db.selectFrom('herald_columns').select(['table_name', 'column_name', 'field_type']).execute();
  const byTable = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const table = String(r.table_name);
    if (!table.startsWith('trait_')) continue;
    byTable.set(table, { ...(byTable.get(table) ?? {}), [String(r.column_name)]: String(r.field_type) });
  }
  return [...byTable].map(([table, columns]) => ({ name: table.slice('trait_'.length), columns }));
}
