import { sql, type Transaction } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { upstreamOf } from '../upstream.ts';
import type { Dialect } from '../../../runtime/db/database.ts';
import { columnType, storageOfField } from '../../../runtime/db/column-types.ts';
import { traitTableName } from '../../../runtime/db/sync.ts';
import { traitsOf, type RuntimeTrait } from '../../../runtime/manifest.ts';
import { materializeTraits } from '../../../runtime/segments/traits.ts';

/**
 * The traits a set of definitions reads, directly or through segments and traits they use
 * (`in_segment` inlines a segment's rule, `lifecycle` reads `rfm`), in dependency order.
 */
export function traitsNeeded(manifest: Manifest, keys: readonly string[]): RuntimeTrait[] {
  const used = upstreamOf(manifest, keys);
  return traitsOf(manifest).filter((t) => used.has(`Trait/${t.name}`));
}

/**
 * Rebuilds traits as of `asOf` into temporary tables named like the stored ones. Both SQLite and
 * PostgreSQL look a table name up in the connection's temporary schema first, so the compiled
 * segment and trait queries read these copies, and the stored trait tables are neither written
 * nor locked. Rebuilding a trait again (the head's version after the base's) replaces its copy.
 */
export async function rebuildTraitCopies(trx: Transaction<any>, dialect: Dialect, traits: readonly RuntimeTrait[], asOf: number): Promise<void> {
  const tempSchema = dialect === 'postgres' ? 'pg_temp' : 'temp';
  for (const trait of traits) {
    const table = traitTableName(trait.name);
    await sql`drop table if exists ${sql.table(`${tempSchema}.${table}`)}`.execute(trx);
    let create = trx.schema.createTable(table).temporary().addColumn('customer_id', 'text', (c) => c.primaryKey());
    for (const o of trait.compiled.outputs) create = create.addColumn(o.name, columnType(dialect, storageOfField(o.type)));
    await create.execute();
  }
  await materializeTraits(trx, dialect, traits, asOf);
}
