/** A Test's `given` data written into its fresh database, as ingest would have stored it. */
import type { CompiledTest } from '../../../compiler/contract/journey.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../db/database.ts';
import { storageOfField } from '../../db/column-types.ts';
import { own } from '../../../compiler/contract/core/own.ts';
import { addSuppression } from '../../delivery/suppressions.ts';

export async function loadGiven(db: Database, manifest: Manifest, given: CompiledTest['given'], start: number): Promise<void> {
  const model = manifest.dataModel;
  const store = (type: string | undefined, value: unknown) =>
    value !== null && type !== undefined && storageOfField(type) === 'boolean' && db.dialect === 'sqlite' ? (value ? 1 : 0) : value;
  const customerFields = Object.keys(model.customers.fields);
  if (given.customers.length > 0) {
    await db.kysely
      .insertInto('customers')
      .values(
        given.customers.map((c) =>
          Object.fromEntries([['id', c.id], ...customerFields.map((f) => [f, store(model.customers.fields[f]!.type, own(c, f) ?? null)])]),
        ),
      )
      .execute();
  }
  const properties = new Set(Object.values(model.events).flatMap((p) => Object.keys(p)));
  const rows = given.events.map((e, i) => {
    const row: Record<string, unknown> = { id: `test:${i}`, customer_id: e.customer, type: e.type, at: e.at, source: 'test' };
    for (const p of properties) row[p] = store(own(own(model.events, e.type), p)?.type, own(e.properties, p) ?? null);
    return row;
  });
  for (let i = 0; i < rows.length; i += 300)
    await db.kysely
      .insertInto('events')
      .values(rows.slice(i, i + 300))
      .execute();
  for (const id of given.unsubscribed)
    await addSuppression(db.kysely, { customerId: id, reason: 'unsubscribed', at: start, source: 'test' });
}
