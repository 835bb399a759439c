import { resolve } from 'node:path';
import { runPipeline } from '../../compiler/index.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { anchorDelivery, deliverySettingsOf, type DeliverySettings } from '../../runtime/delivery/settings.ts';
import { normalizeDelivery } from '../../compiler/4-emit/settings/delivery.ts';
import { sendKey } from '../../runtime/delivery/keys.ts';
import type { SendRequest } from '../../runtime/delivery/types.ts';
import type { WrittenDelivery } from '../../compiler/4-emit/settings/delivery.ts';

/** A fixed id key for send keys built outside a run (a run reads its database's own). */
export const TEST_ID_KEY = Buffer.alloc(32, 7);

export const SHOP = resolve('test/delivery/fixtures/shop');
export const T0 = Date.UTC(2026, 2, 10, 12, 0); // a Tuesday, 12:00 in London (GMT)
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** The fixture workspace compiled once per test file. */
export function compileShop(root = SHOP): Manifest {
  const result = runPipeline(root, { emit: true });
  stopMjmlWorker();
  if (!result.emitted)
    throw new Error(
      JSON.stringify(
        result.diagnostics.filter((d) => d.severity === 'error'),
        null,
        2,
      ),
    );
  return result.emitted.manifest as Manifest;
}

/** A migrated database synced to the manifest's data model. */
export async function prepare(db: Database, manifest: Manifest): Promise<Database> {
  await migrate(db);
  await syncSchema(db, manifest.dataModel, []);
  return db;
}

export interface TestCustomer {
  id: string;
  email?: string | null;
  first_name?: string | null;
  timezone?: string | null;
  email_consent?: boolean;
}

export async function addCustomers(db: Database, customers: readonly TestCustomer[]): Promise<void> {
  const bool = (b: boolean | undefined) => (db.dialect === 'sqlite' ? (b ? 1 : 0) : Boolean(b));
  for (let i = 0; i < customers.length; i += 300) {
    const rows = customers.slice(i, i + 300).map((c) => ({
      id: c.id,
      email: c.email === undefined ? `${c.id}@example.test` : c.email,
      first_name: c.first_name === undefined ? `Name ${c.id}` : c.first_name,
      timezone: c.timezone ?? null,
      email_consent: bool(c.email_consent ?? true),
    }));
    await db.kysely.insertInto('customers').values(rows).execute();
  }
}

/** A journey send request; the key is built the way journeys build it. */
export function journeySend(
  customerId: string,
  overrides: Partial<SendRequest> & { journey?: SendRequest['journey']; name?: string; step?: string; entry?: string } = {},
): SendRequest {
  const name = overrides.name ?? 'onboarding';
  const step = overrides.step ?? 'welcome';
  const entry = overrides.entry ?? `${customerId}:1`;
  const { name: _n, step: _s, entry: _e, ...rest } = overrides;
  return {
    idempotencyKey: sendKey({ kind: 'journey', name, version: 'v1', customerId, entryId: entry, step }, TEST_ID_KEY),
    origin: { kind: 'journey', name, version: 'v1', step },
    customerId,
    entryId: entry,
    template: 'welcome',
    dueAt: T0,
    ...rest,
  };
}

/** The shop's delivery settings with some written settings replaced. */
export function settingsWith(manifest: Manifest, written: WrittenDelivery): DeliverySettings {
  const base = deliverySettingsOf(manifest);
  const spec = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace')!.spec.delivery as WrittenDelivery;
  return anchorDelivery(
    normalizeDelivery({ ...spec, ...written }, { timeZone: base.timeZone, customerFields: manifest.dataModel.customers.fields }),
    process.cwd(),
  );
}
