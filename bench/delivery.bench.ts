/**
 * Delivery throughput: queued sends drained by the worker through the file transport, claims,
 * gates, rendering from the database, MIME, atomic file writes and outcome recording included.
 * Baseline (same run): rendering and building the MIME of the same emails with no database and
 * no files, which is the floor delivery adds its work to. A plain write of the same bytes shows
 * what the files alone cost. Target: >= 2,000 sends/s on SQLite; PostgreSQL is reported too.
 * HERALD_BENCH_DIALECTS = sqlite,postgres (default both). PostgreSQL is a throwaway embedded server.
 *
 * The target is checked on CPU time (user + system, so the file system's work counts): on a shared
 * machine wall time also counts the time other processes hold the core. Wall-clock medians are
 * in the table as usual. The SQLite file and the output folder live under HERALD_BENCH_DIR,
 * default /dev/shm where it exists (memory), so what is measured is Herald rather than the disk;
 * the plain-write case shows what the same files cost in the same place.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { BenchCase, BenchSuite } from './types.ts';
import { CpuTimes } from './cpu-time.ts';
import { runPipeline } from '../compiler/index.ts';
import { stopMjmlWorker, type CompiledTemplate } from '../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import type { Database, Dialect } from '../runtime/db/database.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { loadTemplate, renderEmail, type LoadedTemplate, type RenderInput } from '../runtime/render/index.ts';
import { composeMime } from '../runtime/render/mime.ts';
import { deliverDue, enqueue, FileTransport, sendKey, type SendRequest } from '../runtime/delivery/index.ts';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.ts';

const SENDS = Number(process.env.HERALD_BENCH_SENDS ?? 5_000);
const NOW = Date.UTC(2026, 2, 10, 12);
const ROOT = resolve('examples/templates-showcase');
const dialects = (process.env.HERALD_BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()) as Dialect[];

let manifest: Manifest;
let welcome: LoadedTemplate;
let inputs: RenderInput[] = [];
/** A sample of the rendered messages (not all: holding every one would make the baseline measure the garbage collector). */
let written: Array<{ html: string; text: string; mime: string }> = [];
let requests: SendRequest[] = [];
let cluster: PostgresCluster | undefined;
const databases = new Map<Dialect, Database>();
const scratchRoot = process.env.HERALD_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const scratch = mkdtempSync(join(scratchRoot, 'herald-bench-delivery-'));
let outDir = '';
let sink = 0;

const customerId = (i: number) => `c${String(i).padStart(6, '0')}`;

async function before(): Promise<void> {
  const result = runPipeline(ROOT, { emit: true });
  stopMjmlWorker();
  if (!result.emitted) throw new Error('the showcase workspace does not compile');
  manifest = result.emitted.manifest as Manifest;
  const compiled = manifest.definitions['Template/welcome']!.compiled as CompiledTemplate;
  welcome = loadTemplate(compiled);
  inputs = Array.from({ length: SENDS }, (_, i) => ({
    customer: {
      id: customerId(i),
      email: `${customerId(i)}@example.test`,
      first_name: `Name${i}`,
      signup_at: NOW - i * 60_000,
      email_consent: true,
    },
    unsubscribe_url: `https://shop.example/u/${i}`,
    preferences_url: `https://shop.example/p/${i}`,
    message_id: `${i}@shop.example`,
  }));
  requests = Array.from({ length: SENDS }, (_, i) => {
    const identity = {
      kind: 'journey' as const,
      name: 'onboarding',
      version: 'v1',
      customerId: customerId(i),
      entryId: 'e1',
      step: 'welcome',
    };
    return {
      idempotencyKey: sendKey(identity, Buffer.alloc(32, 7)),
      origin: { kind: 'journey', name: 'onboarding', version: 'v1', step: 'welcome' },
      customerId: customerId(i),
      entryId: 'e1',
      template: 'welcome',
      dueAt: NOW,
    };
  });
  for (const dialect of dialects) databases.set(dialect, await openFor(dialect));
}

async function openFor(dialect: Dialect): Promise<Database> {
  let url = `sqlite:${join(scratch, 'bench.db')}`;
  if (dialect === 'postgres') {
    cluster = await startPostgresCluster();
    const admin = openDatabase(cluster.url);
    await sql`create database herald_bench_delivery`.execute(admin.kysely);
    await admin.close();
    url = cluster.url.replace(/\/postgres$/, '/herald_bench_delivery');
  }
  const db = openDatabase(url);
  await migrate(db);
  await syncSchema(db, manifest.dataModel);
  const yes = dialect === 'sqlite' ? 1 : true;
  for (let i = 0; i < SENDS; i += 500) {
    const rows = Array.from({ length: Math.min(500, SENDS - i) }, (_, k) => {
      const n = i + k;
      return {
        id: customerId(n),
        email: `${customerId(n)}@example.test`,
        first_name: `Name${n}`,
        signup_at: NOW - n * 60_000,
        email_consent: yes,
        timezone: 'Europe/London',
      };
    });
    await db.kysely.insertInto('customers').values(rows).execute();
  }
  return db;
}

/** Untimed: an empty outbox with every send queued again, and an empty output folder. */
async function requeue(db: Database): Promise<void> {
  await db.kysely.deleteFrom('delivery_outbox').execute();
  await db.kysely.deleteFrom('events').where('type', '=', 'email_sent').execute();
  await enqueue(db.kysely, requests);
  outDir = join(scratch, `out-${Date.now()}`);
}

function deliverCase(dialect: Dialect): BenchCase {
  return {
    name: `${dialect}: deliverDue, file transport (${SENDS} sends)`,
    units: SENDS,
    unitName: 'sends',
    setup: () => requeue(databases.get(dialect)!),
    run: () =>
      timedCpu(dialect, async () => {
        const summary = await deliverDue(databases.get(dialect)!, {
          now: NOW,
          manifest,
          transport: new FileTransport(outDir),
          workerId: 'bench',
          batchSize: 500,
        });
        if (summary.sent !== SENDS) throw new Error(`sent ${summary.sent} of ${SENDS}: ${JSON.stringify(summary)}`);
        sink += summary.sent;
      }),
    teardown: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

/** CPU time per send of each measured run, by dialect (the first run is the warmup). */
const cpu = new CpuTimes();
const timedCpu = (key: string, work: () => Promise<void>) => cpu.time(key, work, SENDS);
/** Median CPU microseconds per send. */
const medianCpu = (key: string) => cpu.median(key, 1) * 1000;

const RENDER = `render + MIME only (${SENDS} emails)`;
const WRITE = `plain write of the same bytes (${SENDS} x 3 files)`;

const suite: BenchSuite = {
  name: 'delivery',
  runs: 5,
  warmup: 1,
  before,
  cases: [
    {
      name: RENDER,
      baseline: true,
      units: SENDS,
      unitName: 'emails',
      run: () =>
        timedCpu('render', async () => {
          written = [];
          for (const [i, input] of inputs.entries()) {
            const r = renderEmail(welcome, input, { timeZone: 'Europe/London' });
            if (!r.ok) throw new Error(r.reason);
            const mime = composeMime(r.email, {
              from: 'Shop <news@shop.example>',
              to: String(input.customer.email),
              messageId: input.message_id,
              date: new Date(NOW),
              unsubscribeUrl: input.unsubscribe_url,
              boundary: `b${i}`,
            });
            if (written.length < 100) written.push({ html: r.email.html, text: r.email.text, mime });
            sink += mime.length;
          }
        }),
    },
    {
      name: WRITE,
      units: SENDS,
      unitName: 'sends',
      setup: () => {
        outDir = join(scratch, `plain-${Date.now()}`);
        mkdirSync(outDir, { recursive: true });
      },
      run() {
        for (let i = 0; i < SENDS; i++) {
          const w = written[i % written.length]!;
          writeFileSync(join(outDir, `${i}.html`), w.html);
          writeFileSync(join(outDir, `${i}.txt`), w.text);
          writeFileSync(join(outDir, `${i}.eml`), w.mime);
        }
      },
      teardown: () => rmSync(outDir, { recursive: true, force: true }),
    },
    ...dialects.map(deliverCase),
  ],
  targets: [
    {
      description: '>= 2,000 sends/s on one core, SQLite, file transport, rendering included (CPU time)',
      check: () => 1e6 / medianCpu('sqlite') >= 2_000,
    },
  ],
  async after() {
    for (const db of databases.values()) await db.close();
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
    if (sink === 0) throw new Error('nothing was delivered');
    process.stdout.write(`  render + MIME: ${medianCpu('render').toFixed(0)} µs CPU per email\n`);
    for (const dialect of dialects) {
      const cpu = medianCpu(dialect);
      process.stdout.write(
        `  ${dialect}: ${cpu.toFixed(0)} µs CPU per send in this process (${Math.round(1e6 / cpu).toLocaleString('en-GB')} sends/s per core)${dialect === 'postgres' ? "; the server's own work is not in this figure, see the wall-clock table" : ''}\n`,
      );
    }
    process.stdout.write(`  files under ${scratchRoot}\n`);
  },
};

export default suite;
