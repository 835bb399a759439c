import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import { createPostgresDatabase } from '../support/postgres.ts';
import { messageEventId } from '../../runtime/serve/intake/messages.ts';
import { cartWorkspace, post, spawnServe, waitFor, type ServeWorkspace } from './support.ts';

/**
 * `herald serve` as real processes (bin/herald.js): killed with SIGKILL while batches are being
 * posted, restarted, stopped with SIGTERM, restarted on a changed workspace; and two replicas on
 * one PostgreSQL database.
 */
const ENV = { HERALD_WRITE_KEY: 'k1' };

// Each test starts real processes (seconds each on a busy machine).
describe('herald serve as a process [sqlite]', { timeout: 180_000 }, () => {
  const ws: ServeWorkspace = cartWorkspace();
  const dbUrl = `sqlite:${join(ws.dir, '.herald', 'cart.db')}`;
  afterAll(() => ws.dispose());

  /** Batch `b` of the client: 40 purchases with fixed messageIds, so a retry is the same batch. */
  const batchOf = (b: number) => ({
    batch: Array.from({ length: 40 }, (_, i) => ({
      type: 'track',
      userId: `k_${b % 7}`,
      event: 'purchase',
      properties: { item_id: `I${i}`, amount: b + i / 100 },
      messageId: `kill-${b}-${i}`,
    })),
  });

  it('loses no acknowledged event when killed mid-stream, stores none twice when the client retries, and drains on SIGTERM', async () => {
    const first = await spawnServe([ws.dir, '--port', '0', '--dry-run'], ENV);
    const acknowledged = new Set<number>();
    const unacknowledged = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (!killed || next < 10) {
        const b = next++;
        if (b >= 400) return;
        try {
          const r = await post(first.base, '/v1/batch', batchOf(b));
          if (r.status === 200) acknowledged.add(b);
          else unacknowledged.add(b);
        } catch {
          unacknowledged.add(b);
          if (killed) return;
        }
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    await waitFor('some acknowledged batches', () => acknowledged.size >= 15 || undefined);
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(senders);
    await first.exited;
    expect(acknowledged.size).toBeGreaterThanOrEqual(15);

    // Every acknowledged batch is there, whole, before anything is retried.
    const db = openDatabase(dbUrl);
    try {
      const ids = new Set(
        (await db.kysely.selectFrom('events').select('id').where('source', '=', 'http').execute()).map((r) => String(r.id)),
      );
      for (const b of acknowledged) for (let i = 0; i < 40; i++) expect(ids.has(messageEventId(`kill-${b}-${i}`))).toBe(true);
    } finally {
      await db.close();
    }

    // The client retries what was not acknowledged (and, to be sure, some that were) on a restarted server.
    const second = await spawnServe([ws.dir, '--port', '0', '--dry-run'], ENV);
    try {
      for (const b of [...unacknowledged, ...[...acknowledged].slice(0, 5)])
        expect((await post(second.base, '/v1/batch', batchOf(b))).status).toBe(200);
      const sent = new Set([...acknowledged, ...unacknowledged]);
      const check = openDatabase(dbUrl);
      try {
        const n = Number(
          (
            await check.kysely
              .selectFrom('events')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('source', '=', 'http')
              .executeTakeFirstOrThrow()
          ).n,
        );
        expect(n).toBe(sent.size * 40);
      } finally {
        await check.close();
      }
      // SIGTERM while batches are in flight: whatever was answered 200 is stored, then it exits 0.
      const inFlight = Array.from({ length: 8 }, (_, k) => post(second.base, '/v1/batch', batchOf(1000 + k)).catch(() => undefined));
      await new Promise((r) => setTimeout(r, 5));
      second.child.kill('SIGTERM');
      const answers = await Promise.all(inFlight);
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('"msg":"herald serve stopped"');
      const after = openDatabase(dbUrl);
      try {
        const ids = new Set(
          (await after.kysely.selectFrom('events').select('id').where('source', '=', 'http').execute()).map((r) => String(r.id)),
        );
        answers.forEach((a, k) => {
          if (a?.status === 200) for (let i = 0; i < 40; i++) expect(ids.has(messageEventId(`kill-${1000 + k}-${i}`))).toBe(true);
        });
        // No claim is left held by the stopped worker.
        expect(
          await after.kysely.selectFrom('delivery_outbox').select('idempotency_key').where('status', '=', 'sending').execute(),
        ).toEqual([]);
      } finally {
        await after.close();
      }
    } finally {
      if (second.child.exitCode === null) second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('keeps running entries on their journey version across a restart with a changed workspace', async () => {
    const before = await spawnServe([ws.dir, '--port', '0', '--dry-run'], ENV);
    const db = openDatabase(dbUrl);
    try {
      expect(
        (await post(before.base, '/v1/track', { userId: 'v_1', event: 'added_to_cart', properties: { item_id: 'A', price: 1 } })).status,
      ).toBe(200);
      const first = await waitFor('v_1 entering cart_recovery', () =>
        db.kysely.selectFrom('journey_entries').selectAll().where('customer_id', '=', 'v_1').executeTakeFirst(),
      );
      before.child.kill('SIGTERM');
      expect(await before.exited).toBe(0);

      const path = join(ws.dir, 'journeys.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace('wait_1h: { wait: 1h, next: remind }', 'wait_1h: { wait: 2h, next: remind }'));
      const after = await spawnServe([ws.dir, '--port', '0', '--dry-run'], ENV);
      try {
        expect(
          (await post(after.base, '/v1/track', { userId: 'v_2', event: 'added_to_cart', properties: { item_id: 'A', price: 1 } })).status,
        ).toBe(200);
        const second = await waitFor('v_2 entering cart_recovery', () =>
          db.kysely.selectFrom('journey_entries').selectAll().where('customer_id', '=', 'v_2').executeTakeFirst(),
        );
        const v1 = await db.kysely.selectFrom('journey_entries').selectAll().where('customer_id', '=', 'v_1').executeTakeFirstOrThrow();
        expect(v1.version).toBe(first.version);
        expect(v1.status).toBe('active');
        expect(second.version).not.toBe(first.version);
        const versions = await db.kysely.selectFrom('journey_versions').select('version').where('journey', '=', 'cart_recovery').execute();
        expect(versions.map((v) => v.version).sort()).toEqual([first.version, second.version].sort());
      } finally {
        after.child.kill('SIGTERM');
        await after.exited;
      }
    } finally {
      await db.close();
    }
  });
});

describe('herald serve replicas [postgres]', { timeout: 180_000 }, () => {
  // A long tick: the workers react within the test's time only because intake wakes them (NOTIFY).
  const workspaces: ServeWorkspace[] = [0, 1, 2].map(() => cartWorkspace({ sendFirst: true, server: ['tick: 60s'] }));
  afterAll(() => workspaces.forEach((w) => w.dispose()));

  it('an API replica and two worker replicas on one database send every message once, woken at once', async () => {
    const created = await createPostgresDatabase();
    const roles = [
      ['--role', 'api'],
      ['--role', 'worker', '--worker-id', 'worker-1'],
      ['--role', 'worker', '--worker-id', 'worker-2'],
    ];
    const replicas = await Promise.all(
      workspaces.map((w, i) => spawnServe([w.dir, '--port', '0', '--dry-run', '--db', created.url, ...roles[i]!], ENV)),
    );
    // Both workers have made their first pass (they claim work from then on).
    await new Promise((r) => setTimeout(r, 1_000));
    const db = openDatabase(created.url);
    try {
      const customers = 30;
      await Promise.all(
        Array.from({ length: customers }, (_, c) =>
          post(replicas[0]!.base, '/v1/batch', {
            batch: [
              { type: 'identify', userId: `r_${c}`, traits: { email: `r_${c}@example.test`, email_consent: true }, messageId: `ri-${c}` },
              { type: 'track', userId: `r_${c}`, event: 'added_to_cart', properties: { item_id: 'A', price: 1 }, messageId: `rt-${c}` },
            ],
          }).then((r) => expect(r.status).toBe(200)),
        ),
      );
      await waitFor(
        'every reminder sent',
        async () => {
          const rows = await db.kysely.selectFrom('delivery_outbox').select('status').execute();
          return rows.length === customers && rows.every((r) => r.status === 'sent') ? true : undefined;
        },
        20_000,
      ).catch(async (e) => {
        const rows = await db.kysely
          .selectFrom('delivery_outbox')
          .select(['status', (eb) => eb.fn.countAll().as('n')])
          .groupBy('status')
          .execute();
        throw new Error(`${(e as Error).message}: outbox ${JSON.stringify(rows)}; logs:\n${replicas.map((r) => r.output()).join('\n')}`);
      });
      // The API replica answers /v1 but runs no scheduler; a worker answers operations only.
      expect((await fetch(`${replicas[1]!.base}/v1/track`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${replicas[1]!.base}/readyz`)).status).toBe(200);
      const files = workspaces.flatMap((w) =>
        existsSync(join(w.dir, 'out')) ? readdirSync(join(w.dir, 'out')).filter((f) => f.endsWith('.eml')) : [],
      );
      expect(existsSync(join(workspaces[0]!.dir, 'out'))).toBe(false);
      expect(files).toHaveLength(customers);
      expect(new Set(files).size).toBe(customers);
    } finally {
      for (const r of replicas) r.child.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.exited));
      await db.close();
      await created.drop();
    }
  });
});
