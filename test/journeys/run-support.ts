import type { CompiledTest } from '../../compiler/contract/journey.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { listDeliveries } from '../../runtime/delivery/outbox.ts';
import { traitTableSpecs } from '../../runtime/manifest.ts';
import { runJourneys, type RunOptions } from '../../runtime/journeys/index.ts';
import { CapturingTransport } from '../../runtime/journeys/transports.ts';
import { loadGiven } from '../../runtime/journeys/tests/given.ts';

export type Given = CompiledTest['given'];

/** Migrates and syncs a fresh database for the manifest, and loads customers and events into it. */
export async function prepare(db: Database, manifest: Manifest, given: Partial<Given> = {}): Promise<void> {
  await migrate(db);
  // One id key for every database of a test: runs in different databases are compared row for row
  // (each real database has its own random key, so their send keys differ by design).
  await db.kysely
    .updateTable('herald_keys')
    .set({ value: '7'.repeat(64) })
    .where('name', '=', 'ids')
    .execute();
  await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
  await loadGiven(
    db,
    manifest,
    { customers: given.customers ?? [], events: given.events ?? [], unsubscribed: given.unsubscribed ?? [] },
    0,
  );
}

/** A run through the real outbox and delivery worker, capturing the messages. */
export async function run(db: Database, manifest: Manifest, options: Omit<RunOptions, 'transport'>) {
  const transport = new CapturingTransport();
  const summary = await runJourneys(db, manifest, { ...options, transport });
  return { summary, transport };
}

/** The outbox as comparable rows (key, customer, template, status, due time). */
export async function outbox(db: Database) {
  return (await listDeliveries(db.kysely)).map((r) => ({
    key: r.idempotencyKey,
    customer: r.customerId,
    template: r.template,
    status: r.status,
    dueAt: r.dueAt,
    reason: r.reason,
    variant: r.origin.variant,
    version: r.origin.version,
  }));
}

export const at = (iso: string) => Date.parse(iso);
