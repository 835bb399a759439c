import { sql, type Transaction } from 'kysely';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { Database, Dialect } from './database.ts';
import { columnType, storageOfField, type StorageType } from './column-types.ts';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/** The output columns of one trait's table `trait_<name>` (besides `customer_id`). */
export interface TraitTableSpec {
  name: string;
  /** Output column → data-model field type (`number`, `string`, …). */
  columns: Record<string, string>;
}

export interface SyncResult {
  /** `table.column` for every column added by this call. */
  addedColumns: string[];
  /** Trait tables created (or recreated because their outputs changed). */
  traitTables: string[];
  /** Trait tables dropped because their trait no longer exists. */
  droppedTraitTables: string[];
}

/** The data model asks for something the stored schema cannot become without losing data. */
export class SchemaSyncError extends HeraldError {
  constructor(message: string) {
    super(message, EXIT_ERRORS);
  }
}

/** An arbitrary fixed advisory-lock key shared by every Herald process ("HSYN"). */
const SYNC_LOCK_KEY = 0x4853594e;

/** Columns of the core tables that data-model names may not reuse. */
const RESERVED: Record<string, readonly string[]> = {
  customers: ['id', 'updated_at'],
  events: ['id', 'customer_id', 'type', 'at', 'source'],
  items: ['id'],
};

interface WantedColumn {
  table: string;
  column: string;
  fieldType: string;
  /** Where the column is declared, for messages. */
  origin: string;
}

export function traitTableName(trait: string): string {
  return `trait_${trait}`;
}

/**
 * Makes the stored schema match the data model: adds a column per declared customer field, event
 * property (over the union of event types) and item field, and (re)creates one table per trait.
 * Never drops or retypes a data column: a type change whose storage differs is refused with an
 * error naming the column. Trait tables hold derived data, so they are recreated when their
 * outputs change. Idempotent, and all-or-nothing (one transaction).
 */
export async function syncSchema(db: Database, model: DataModel, traits: readonly TraitTableSpec[] = []): Promise<SyncResult> {
  const wanted = wantedColumns(model);
  return db.transaction(async (trx) => {
    // Replicas starting together on PostgreSQL (`herald serve`, parallel workers) sync in turn:
    // the second finds the columns the first added instead of adding them again.
    if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SYNC_LOCK_KEY})`.execute(trx);
    const recorded = await recordedColumns(trx);
    const result: SyncResult = { addedColumns: [], traitTables: [], droppedTraitTables: [] };
    for (const w of wanted) {
      const key = `${w.table}.${w.column}`;
      const storage = storageOfField(w.fieldType);
      const before = recorded.get(key);
      if (before) {
        if (before.storage !== storage) {
          throw new SchemaSyncError(
            `${w.origin} is declared as ${w.fieldType}, but column ${key} was created for ${before.field_type} ` +
              `(stored as ${before.storage}); Herald does not change a column's type in place. ` +
              `Keep the type, or declare a new field under another name and load the data into it.`,
          );
        }
        if (before.field_type !== w.fieldType) {
          await trx
            .updateTable('herald_columns')
            .set({ field_type: w.fieldType })
            .where('table_name', '=', w.table)
            .where('column_name', '=', w.column)
            .execute();
        }
        continue;
      }
      await trx.schema.alterTable(w.table).addColumn(w.column, columnType(db.dialect, storage)).execute();
      await trx
        .insertInto('herald_columns')
        .values({ table_name: w.table, column_name: w.column, field_type: w.fieldType, storage })
        .execute();
      result.addedColumns.push(key);
    }
    await syncTraitTables(trx, db.dialect, traits, recorded, result);
    return result;
  });
}

function wantedColumns(model: DataModel): WantedColumn[] {
  const out: WantedColumn[] = [];
  const add = (table: string, column: string, fieldType: string, origin: string) => {
    if (RESERVED[table]?.includes(column)) {
      throw new SchemaSyncError(`${origin} uses the name "${column}", which Herald reserves for its own ${table} column; rename the field`);
    }
    out.push({ table, column, fieldType, origin });
  };
  for (const [name, f] of sortedEntries(model.customers.fields)) {
    if (name === 'id') continue; // the built-in key, whatever the model restates
    add('customers', name, f.type, `customer field "${name}"`);
  }
  // One column per property name over all event types; a name shared by several types must agree.
  const eventColumns = new Map<string, { type: string; event: string }>();
  for (const [event, props] of sortedEntries(model.events)) {
    for (const [prop, f] of sortedEntries(props)) {
      const seen = eventColumns.get(prop);
      if (seen && storageOfField(seen.type) !== storageOfField(f.type)) {
        throw new SchemaSyncError(
          `event property "${prop}" is ${seen.type} in "${seen.event}" but ${f.type} in "${event}"; ` +
            `all events share one "${prop}" column, so give the property one type or another name`,
        );
      }
      if (!seen) eventColumns.set(prop, { type: f.type, event });
    }
  }
  for (const [prop, { type, event }] of eventColumns) add('events', prop, type, `event property "${event}.${prop}"`);
  for (const [name, f] of sortedEntries(model.items.fields)) {
    if (name === 'id') continue;
    add('items', name, f.type, `item field "${name}"`);
  }
  return out;
}

interface RecordedColumn {
  table_name: string;
  column_name: string;
  field_type: string;
  storage: StorageType;
}

async function recordedColumns(trx: Transaction<any>): Promise<Map<string, RecordedColumn>> {
  const rows = (await trx.selectFrom('herald_columns').selectAll().execute()) as RecordedColumn[];
  return new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
}

async function syncTraitTables(
  trx: Transaction<any>,
  dialect: Dialect,
  traits: readonly TraitTableSpec[],
  recorded: Map<string, RecordedColumn>,
  result: SyncResult,
): Promise<void> {
  const byTable = new Map<string, RecordedColumn[]>();
  for (const r of recorded.values()) {
    if (!r.table_name.startsWith('trait_')) continue;
    byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), r]);
  }
  const wantedTables = new Set<string>();
  for (const trait of [...traits].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const table = traitTableName(trait.name);
    wantedTables.add(table);
    const columns = sortedEntries(trait.columns).map(([column, fieldType]) => ({ column, fieldType, storage: storageOfField(fieldType) }));
    const before = byTable.get(table) ?? [];
    const same =
      before.length === columns.length && columns.every((c) => before.some((b) => b.column_name === c.column && b.storage === c.storage));
    if (same) continue;
    if (before.length > 0) await dropTraitTable(trx, table);
    let create = trx.schema.createTable(table).addColumn('customer_id', 'text', (c) => c.primaryKey());
    for (const c of columns) create = create.addColumn(c.column, columnType(dialect, c.storage));
    await create.execute();
    for (const c of columns) {
      await trx
        .insertInto('herald_columns')
        .values({ table_name: table, column_name: c.column, field_type: c.fieldType, storage: c.storage })
        .execute();
    }
    result.traitTables.push(table);
  }
  for (const table of byTable.keys()) {
    if (wantedTables.has(table)) continue;
    await dropTraitTable(trx, table);
    result.droppedTraitTables.push(table);
  }
}

async function dropTraitTable(trx: Transaction<any>, table: string): Promise<void> {
  await trx.schema.dropTable(table).ifExists().execute();
  await trx.deleteFrom('herald_columns').where('table_name', '=', table).execute();
}

function sortedEntries<V>(record: Record<string, V>): Array<[string, V]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
