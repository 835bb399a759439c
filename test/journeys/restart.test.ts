import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database } from '../../runtime/db/database.ts';
import { listDeliveries } from '../../runtime/delivery/outbox.ts';
import { FileTransport } from '../../runtime/delivery/transports/file.ts';
import { runJourneys } from '../../runtime/journeys/index.ts';
import { forEachDialect } from '../support/postgres.ts';
import { REPO, compileOrThrow, fixtureWorkspace } from './support.ts';
import { at, prepare } from './run-support.ts';
import { cartJourneyYaml } from './cart-journey.ts';

/**
 * `herald run` killed while it holds claimed sends, and started again at once with the default
 * worker id (a new process, so a new pid): the restart sees that the claims' process is gone and
 * resumes them at once (not after the 5-minute lease), says so, removes the empty temporary file
 * the kill left, and ends with exactly the messages of an uninterrupted run. Real processes.
 */
const FROM = '2026-01-05T00:00:00Z';
const UNTIL = '2026-01-09T00:00:00Z';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'herald-restart-'));
  dirs.push(d);
  return d;
};

const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': cartJourneyYaml({ timeout: '24h', split: [45, 45, 10] }) }));
const manifestFile = join(temp(), 'manifest.json');
writeFileSync(manifestFile, JSON.stringify(manifest));

const customers = Array.from({ length: 16 }, (_, i) => ({ id: `r${i}`, email: `r${i}@example.test`, email_consent: true }));
const events = customers.map((c, i) => ({
  customer: c.id,
  type: 'added_to_cart',
  at: at('2026-01-05T09:00Z') + i * 3 * 3_600_000,
  properties: { item_id: 'A1', price: 3 },
}));

function worker(url: string, out: string, env: Record<string, string> = {}): Promise<{ output: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(REPO, 'bin', 'run-ts.js'),
        join(import.meta.dirname, 'support', 'run-child.ts'),
        manifestFile,
        url,
        FROM,
        UNTIL,
        out,
        'default',
      ],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('BLOCKED ')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ output, killed: true });
      else if (code !== 0) reject(new Error(`worker failed (${code}): ${err}`));
      else resolve({ output, killed: false });
    });
  });
}

async function sent(db: Database, out: string) {
  const records = (await listDeliveries(db.kysely)).map((r) => ({
    key: r.idempotencyKey,
    template: r.template,
    status: r.status,
    sentAt: r.sentAt,
  }));
  return {
    records,
    files: readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .sort(),
  };
}

forEachDialect('herald run killed and restarted at once', (ctx) => {
  it('resumes the dead run’s claims at once with the default worker id, and leaves no partial file', async () => {
    const refDb = openDatabase(await ctx.freshUrl());
    await prepare(refDb, manifest, { customers, events });
    const refOut = temp();
    await runJourneys(refDb, manifest, {
      from: at(FROM),
      until: at(UNTIL),
      transport: new FileTransport(refOut),
      resolutionMs: 0,
      batchSize: 7,
    });
    const expected = await sent(refDb, refOut);
    await refDb.close();
    expect(expected.records.filter((r) => r.status === 'sent').length).toBeGreaterThan(8);

    const url = await ctx.freshUrl();
    const db = openDatabase(url);
    await prepare(db, manifest, { customers, events });
    const out = temp();
    const killed = await worker(url, out, { BLOCK_AT_SEND: '3' });
    expect(killed.killed).toBe(true);
    const deadWorker = /BLOCKED (\S+)/.exec(killed.output)![1]!;
    expect(deadWorker).not.toMatch(/^worker-\d+$/);
    const stuck = (await listDeliveries(db.kysely)).filter((r) => r.status === 'sending');
    expect(stuck.length).toBeGreaterThan(0);
    expect(readdirSync(join(out, '.partial'))).toHaveLength(1);

    // At once: well inside the claim lease.
    const restart = await worker(url, out);
    expect(restart.killed).toBe(false);
    expect(restart.output).toContain(
      `PROBLEM info[HL534]: resumed ${stuck.length} send${stuck.length === 1 ? '' : 's'} claimed by worker ${deadWorker}, which stopped`,
    );

    const actual = await sent(db, out);
    await db.close();
    expect(actual.records.filter((r) => r.status === 'sending')).toEqual([]);
    expect(actual).toEqual(expected);
    expect(existsSync(join(out, '.partial')) ? readdirSync(join(out, '.partial')) : []).toEqual([]);
  }, 60_000);
});
