import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { deliverDue, enqueue, FileTransport, listDeliveries } from '../../runtime/delivery/index.ts';
import { addCustomers, compileShop, journeySend, prepare, T0 } from './helpers.ts';

const CUSTOMERS = 150;
// Links are signed with HERALD_SECRET (runtime/recipient/tokens.ts): the killed worker, the one
// that resumes and the uninterrupted reference run share it, as the processes of a deployment do.
process.env.HERALD_SECRET ??= 'crash-test-secret-0123456789abcdef-0123456789';
let manifestPath: string;
let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
  manifestPath = join(mkdtempSync(join(tmpdir(), 'herald-crash-')), 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest));
});

interface ChildRun {
  signal: NodeJS.Signals | null;
  out: string;
}

/** Runs the worker in a child process; with `killAfter`, it stops after that many sends and is SIGKILLed there. */
function runWorker(url: string, dir: string, workerId: string, options: { killAfter?: number; leaseMs?: number } = {}): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const args = [
      resolve('bin/run-ts.js'),
      resolve('test/delivery/support/deliver-child.ts'),
      manifestPath,
      url,
      dir,
      workerId,
      ...(options.leaseMs !== undefined ? [String(options.leaseMs)] : []),
    ];
    const env = {
      ...process.env,
      DELIVER_AT: String(T0),
      ...(options.killAfter !== undefined ? { STOP_AFTER: String(options.killAfter) } : {}),
    };
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      sent = (out.match(/^SENT /gm) ?? []).length;
      if (options.killAfter !== undefined && sent >= options.killAfter) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code !== 0 && signal === null ? fail(new Error(`worker failed (${code}): ${err}`)) : done({ signal, out }),
    );
  });
}

/** The visible output: name → bytes. */
function output(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

forEachDialect('a delivery worker killed mid-batch', (ctx) => {
  async function seeded(): Promise<{ url: string; keys: string[] }> {
    const url = await ctx.freshUrl();
    const db = await prepare(openDatabase(url), manifest);
    const ids = Array.from({ length: CUSTOMERS }, (_, i) => `k${String(i).padStart(4, '0')}`);
    await addCustomers(
      db,
      ids.map((id) => ({ id })),
    );
    const sends = ids.map((id) => journeySend(id, { entry: 'crash' }));
    await enqueue(db.kysely, sends);
    await db.close();
    return { url, keys: sends.map((s) => s.idempotencyKey).sort() };
  }

  async function verify(url: string, keys: string[], dir: string, reference: Map<string, string>): Promise<void> {
    // Every send exactly once in the output, byte for byte what an uninterrupted run writes.
    expect(output(dir)).toEqual(reference);
    const db = openDatabase(url);
    try {
      const records = await listDeliveries(db.kysely);
      expect(records.map((r) => r.idempotencyKey).sort()).toEqual(keys);
      expect(records.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      const facts = await db.kysely
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('type', '=', 'email_sent')
        .executeTakeFirstOrThrow();
      expect(Number(facts.n)).toBe(manifest.dataModel.events.email_sent ? CUSTOMERS : 0);
    } finally {
      await db.close();
    }
  }

  let reference: Map<string, string>;
  let keys: string[];
  beforeAll(async () => {
    const clean = await seeded();
    keys = clean.keys;
    // The reference: the same sends delivered in one uninterrupted run (in this process).
    const dir = mkdtempSync(join(tmpdir(), 'herald-ref-'));
    const db = openDatabase(clean.url);
    const run = await deliverDue(db, { now: T0, manifest, transport: new FileTransport(dir), workerId: 'reference' });
    await db.close();
    expect(run.sent).toBe(CUSTOMERS);
    reference = output(dir);
    expect(reference.size).toBe(3 * CUSTOMERS);
  });

  it('restarted under the same worker id, resumes at once: every send exactly once', async () => {
    const { url } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'herald-crash-out-'));
    // Kill points inside batches of 25: mid-batch, so written files are not yet recorded.
    for (const killAfter of [7, 46]) {
      const killed = await runWorker(url, dir, 'w1', { killAfter });
      expect(killed.signal).toBe('SIGKILL');
    }
    const finished = await runWorker(url, dir, 'w1');
    expect(finished.out).toMatch(/DONE \d+ RECOVERED [1-9]\d*/);
    await verify(url, keys, dir, reference);
  });

  it("taken over by another worker once the dead one's lease expires", async () => {
    const { url } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'herald-crash-out-'));
    const killed = await runWorker(url, dir, 'dead', { killAfter: 40 });
    expect(killed.signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const other = await runWorker(url, dir, 'other', { leaseMs: 200 });
    expect(other.out).toMatch(/RECOVERED [1-9]\d*/);
    await verify(url, keys, dir, reference);
  });
});
