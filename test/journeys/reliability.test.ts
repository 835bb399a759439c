import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database } from '../../runtime/db/database.ts';
import { listDeliveries } from '../../runtime/delivery/outbox.ts';
import { FileTransport } from '../../runtime/delivery/transports/file.ts';
import { runJourneys } from '../../runtime/journeys/index.ts';
import { dialectContext, forEachDialect } from '../support/postgres.ts';
import { REPO, compileOrThrow, fixtureWorkspace } from './support.ts';
import { at, prepare } from './run-support.ts';
import { cartJourneyYaml } from './cart-journey.ts';

/**
 * Crash safety. A `herald run` worker process is killed with SIGKILL at random moments, again and
 * again, and restarted; when it finally finishes, the messages sent (outbox and files) are exactly
 * those of an uninterrupted run: none twice, none missing. HERALD_KILL_POINTS sets how many kills
 * per dialect (default 8; run hundreds locally: HERALD_KILL_POINTS=300).
 */
const KILLS = Number(process.env.HERALD_KILL_POINTS ?? 8);
// Links are signed with HERALD_SECRET (runtime/recipient/tokens.ts): every run process shares it,
// as a deployment's do, so killed and uninterrupted runs write the same bytes.
process.env.HERALD_SECRET ??= 'reliability-test-secret-0123456789abcdef-01234';
const FROM = '2026-01-05T00:00:00Z';
const UNTIL = '2026-01-16T00:00:00Z';

const JOURNEYS = cartJourneyYaml({ timeout: '24h', split: [45, 45, 10] });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'herald-crash-'));
  dirs.push(d);
  return d;
};

const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': JOURNEYS }));
const manifestFile = join(temp(), 'manifest.json');
writeFileSync(manifestFile, JSON.stringify(manifest));

const customers = Array.from({ length: 40 }, (_, i) => ({ id: `k${i}`, email: `k${i}@example.test`, email_consent: i % 9 !== 4 }));
const events = customers.flatMap((c, i) => {
  const t = at('2026-01-05T06:00Z') + i * 4 * 3_600_000 + (i % 5) * 60_000;
  const list = [{ customer: c.id, type: 'added_to_cart', at: t, properties: { item_id: 'A1', price: 3 } }];
  if (i % 4 === 1)
    list.push({ customer: c.id, type: 'purchase', at: t + 6 * 3_600_000, properties: { item_id: 'A1', amount: 3 } as never });
  return list;
});

/** A deterministic generator (mulberry32), so a failing sequence of kill delays can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the worker process; with `killAfterMs`, SIGKILLs it that long after it is ready. */
function worker(
  url: string,
  out: string,
  options: { killAfterMs?: number; id?: string } = {},
): Promise<{ done: boolean; output: string; ranMs: number }> {
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
        options.id ?? 'crash-test',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let err = '';
    let ready = 0;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (ready === 0 && output.startsWith('READY')) ready = Date.now();
      if (options.killAfterMs !== undefined && output.startsWith('READY')) {
        const ms = options.killAfterMs;
        options.killAfterMs = undefined;
        setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const ranMs = ready ? Date.now() - ready : 0;
      if (signal === 'SIGKILL') resolve({ done: output.includes('DONE'), output, ranMs });
      else if (code !== 0) reject(new Error(`worker failed (${code}): ${err}`));
      else resolve({ done: true, output, ranMs });
    });
  });
}

/** What was sent: outbox rows that went out, and the files written, each by key with a content hash. */
async function sent(db: Database, out: string, options: { sentAt: boolean } = { sentAt: true }) {
  const records = (await listDeliveries(db.kysely)).map((r) => ({
    key: r.idempotencyKey,
    customer: r.customerId,
    template: r.template,
    status: r.status,
    reason: r.reason,
    dueAt: r.dueAt,
    ...(options.sentAt ? { sentAt: r.sentAt } : {}),
  }));
  const files = readdirSync(out)
    .filter((f) => /\.(eml|html|txt)$/.test(f))
    .sort()
    // The .eml carries the Date header (when it was sent): compared only where send times are.
    .map((f) =>
      f.endsWith('.eml') && !options.sentAt
        ? f
        : `${f} ${createHash('sha256')
            .update(readFileSync(join(out, f)))
            .digest('hex')
            .slice(0, 16)}`,
    );
  return { records, files };
}

/** What differs between two results, readably (an empty list when they are the same). */
function differences(expected: Awaited<ReturnType<typeof sent>>, actual: Awaited<ReturnType<typeof sent>>): string[] {
  const out: string[] = [];
  const byKey = new Map(actual.records.map((r) => [r.key, r]));
  for (const e of expected.records) {
    const a = byKey.get(e.key);
    if (!a) out.push(`missing ${JSON.stringify(e)}`);
    else if (JSON.stringify(a) !== JSON.stringify(e)) out.push(`differs: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
    byKey.delete(e.key);
  }
  for (const a of byKey.values()) out.push(`extra ${JSON.stringify(a)}`);
  const files = new Set(actual.files);
  for (const f of expected.files) if (!files.delete(f)) out.push(`file missing or different: ${f}`);
  for (const f of files) out.push(`file extra or different: ${f}`);
  return out;
}

forEachDialect('a run killed at random points', (ctx) => {
  it(
    `finishes with exactly the messages of an uninterrupted run (${KILLS} kills)`,
    async () => {
      const cleanUrl = await ctx.freshUrl();
      const clean = openDatabase(cleanUrl);
      await prepare(clean, manifest, { customers, events });
      const cleanOut = temp();
      const reference = await worker(cleanUrl, cleanOut);
      expect(reference.done).toBe(true);
      const runMs = reference.ranMs;
      const expected = await sent(clean, cleanOut);
      await clean.close();
      expect(expected.records.filter((r) => r.status === 'sent').length).toBeGreaterThan(40);
      expect(expected.files.length).toBe(3 * expected.records.filter((r) => r.status === 'sent').length);

      // Cycles: a fresh database, killed again and again until a run gets to the end, then compared.
      const rnd = random(KILLS * 7919 + (ctx.dialect === 'postgres' ? 1 : 0));
      let kills = 0;
      let cycles = 0;
      while (kills < KILLS) {
        const url = await ctx.freshUrl();
        const db = openDatabase(url);
        await prepare(db, manifest, { customers, events });
        const out = temp();
        let remaining = 1;
        for (;;) {
          // Anywhere in what is left of the run (each restart resumes where the last one stopped).
          const r = kills < KILLS ? await worker(url, out, { killAfterMs: Math.floor(rnd() * runMs * remaining) }) : await worker(url, out);
          if (r.done) break;
          kills++;
          const slices = [...r.output.matchAll(/SLICE (\d+)/g)];
          const last = slices.length ? Number(slices[slices.length - 1]![1]) : at(FROM);
          remaining = Math.max(0.05, (at(UNTIL) - last) / (at(UNTIL) - at(FROM)));
        }
        const actual = await sent(db, out);
        await db.close();
        expect(differences(expected, actual), `cycle ${cycles + 1}`).toEqual([]);
        cycles++;
      }
      expect(kills).toBe(KILLS);
    },
    60_000 + KILLS * 20_000,
  );
});

describe('two workers on PostgreSQL at once', () => {
  const ctx = dialectContext('postgres');
  it('process the same due work without a duplicate, and miss nothing', async () => {
    const refUrl = await ctx.freshUrl();
    const ref = openDatabase(refUrl);
    await prepare(ref, manifest, { customers, events });
    const refOut = temp();
    await runJourneys(ref, manifest, {
      from: at(FROM),
      until: at(UNTIL),
      transport: new FileTransport(refOut),
      resolutionMs: 0,
      batchSize: 5,
      workerId: 'solo',
    });
    // Two workers' clocks run apart: a message queued by one may go out in the other's later slice.
    const expected = await sent(ref, refOut, { sentAt: false });
    await ref.close();

    const url = await ctx.freshUrl();
    const setup = openDatabase(url);
    await prepare(setup, manifest, { customers, events });
    // Both start from the same clock; each has its own connection pool, as separate processes would.
    await runJourneys(setup, manifest, { from: at(FROM), until: at(FROM), transport: new FileTransport(temp()) });
    const out = temp();
    const a = openDatabase(url);
    const b = openDatabase(url);
    const [ra, rb] = await Promise.all([
      runJourneys(a, manifest, {
        until: at(UNTIL),
        transport: new FileTransport(out),
        resolutionMs: 0,
        batchSize: 5,
        workerId: 'worker-a',
      }),
      runJourneys(b, manifest, {
        until: at(UNTIL),
        transport: new FileTransport(out),
        resolutionMs: 0,
        batchSize: 5,
        workerId: 'worker-b',
      }),
    ]);
    await a.close();
    await b.close();
    const actual = await sent(setup, out, { sentAt: false });
    await setup.close();
    expect(differences(expected, actual)).toEqual([]);
    // Both did part of the work; together exactly what one worker alone does.
    expect(ra.delivery.sent).toBeGreaterThan(0);
    expect(rb.delivery.sent).toBeGreaterThan(0);
    expect(ra.delivery.sent + rb.delivery.sent).toBe(expected.records.filter((r) => r.status === 'sent').length);
  });
});
