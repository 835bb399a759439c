import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import { deliverDue, listDeliveries, OUTBOX } from '../../runtime/delivery/index.ts';
import { defaultWorkerId, processInstance, stoppedLocalWorkers, tagOfFileName, tagStopped } from '../../runtime/delivery/liveness.ts';
import { runJourneys } from '../../runtime/journeys/index.ts';
import { CapturingTransport } from '../../runtime/journeys/transports.ts';
import { forEachDialect } from '../support/postgres.ts';
import { compileOrThrow, fixtureWorkspace } from './support.ts';
import { at, prepare } from './run-support.ts';
import { cartJourneyYaml } from './cart-journey.ts';

/**
 * A claim names its worker `<host>:<pid>@<instance>`. When that worker died and the kernel gave its
 * pid to an unrelated process, signal 0 finds the pid alive: only the instance (boot id and start
 * time) shows the claim's process is gone. A real long-lived process stands in for the pid's new
 * owner; the claims recorded with its pid but another start time are resumed at once, those with
 * its true start time (a worker that may be alive) are left to the lease.
 */
const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': cartJourneyYaml({ timeout: '24h' }) }));
const customers = Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, email: `p${i}@example.test`, email_consent: true }));
const events = customers.map((c) => ({
  customer: c.id,
  type: 'added_to_cart',
  at: at('2026-01-05T09:00Z'),
  properties: { item_id: 'A1', price: 3 },
}));

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** An unrelated process that outlives the test, and its instance as /proc tells it. */
async function longLived(): Promise<{ pid: number; instance: string | undefined }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120_000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return { pid: child.pid!, instance: processInstance(child.pid!) };
}

// Process start times come from /proc (Linux, where CI runs); elsewhere the test says why it is skipped.
const noProc = !existsSync('/proc/self/stat') && !process.env.CI;
const title = noProc ? ' [skipped: /proc/<pid>/stat cannot be read on this system]' : '';
if (noProc) console.warn(`skipped "a claim whose pid now belongs to another process"${title}`);

forEachDialect('a claim whose pid now belongs to another process', (ctx) => {
  it.skipIf(noProc)(
    `is resumed at once when the start time differs, and left to the lease when it matches${title}`,
    async () => {
      const other = await longLived();
      expect(other.instance).toMatch(/^[0-9a-f]+\.\d+$/);
      const [boot, start] = other.instance!.split('.');
      const host = hostname();
      const reused = `${host}:${other.pid}@${boot}.${Number(start) + 1}`;
      const alive = `${host}:${other.pid}@${other.instance}`;
      // The pid's true owner counts as alive; a bare pid (no instance recorded) is trusted, as before.
      expect(stoppedLocalWorkers([reused, alive, `${host}:${other.pid}`, `other-host:${other.pid}@${boot}.1`], 'me')).toEqual([reused]);
      // The dry run's temporary files carry the same tag: a reused pid's leftovers are removed too.
      const partial = (tag: string) => tagStopped(tagOfFileName(`0123abcd.html.${tag}`)!);
      expect([
        partial(`${other.pid}@${boot}.${Number(start) + 1}`),
        partial(`${other.pid}@${other.instance}`),
        partial(String(other.pid)),
      ]).toEqual([true, false, false]);

      const db = openDatabase(await ctx.freshUrl());
      try {
        await prepare(db, manifest, { customers, events });
        const until = at('2026-01-05T12:00Z');
        await runJourneys(db, manifest, {
          from: at('2026-01-05T00:00Z'),
          until,
          transport: new CapturingTransport(),
          deliver: false,
          resolutionMs: 0,
        });
        const keys = (await listDeliveries(db.kysely)).map((r) => r.idempotencyKey).sort();
        expect(keys).toHaveLength(6);
        const claim = (ids: string[], by: string) =>
          db.kysely
            .updateTable(OUTBOX)
            .set({ status: 'sending', claimed_by: by, claimed_at: Date.now() })
            .where('idempotency_key', 'in', ids)
            .execute();
        await claim(keys.slice(0, 4), reused);
        await claim(keys.slice(4), alive);

        const summary = await deliverDue(db, { now: until, manifest, transport: new CapturingTransport(), workerId: defaultWorkerId() });
        expect(summary.recoveredFrom).toEqual([reused]);
        expect(summary.recovered).toBe(4);
        const after = await listDeliveries(db.kysely);
        expect(
          after
            .filter((r) => r.status === 'sending')
            .map((r) => r.idempotencyKey)
            .sort(),
        ).toEqual(keys.slice(4));
        expect(after.filter((r) => keys.slice(0, 4).includes(r.idempotencyKey)).map((r) => r.status)).toEqual([
          'sent',
          'sent',
          'sent',
          'sent',
        ]);
      } finally {
        await db.close();
      }
    },
    60_000,
  );
});
