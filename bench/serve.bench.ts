/**
 * `herald serve` intake and reaction time, through the real HTTP server in this process (the
 * client too, so its work is counted against Herald on a shared machine):
 *
 * - accepted events per second with durable commit (a 200 means committed): batches of 100 and
 *   single calls (32 at a time), on SQLite and PostgreSQL; baseline: a plain prepared insert of
 *   the same event rows, committed every 100 rows, in the same run;
 * - event-to-send latency (p50, p99) for a journey whose first step is a send (file transport):
 *   from posting the event to the .eml file existing;
 * - peak memory (the kernel's high-water mark of resident memory) of `herald serve` as its own
 *   process under a sustained 1,000 events/s (HERALD_BENCH_SERVE_SECONDS, default 10 s; the
 *   target is stated for 60 s: run with HERALD_BENCH_SERVE_SECONDS=60).
 *
 * Targets: batches >= 20,000 events/s on SQLite, single calls >= 2,000/s, within 3x of the plain
 * insert; latency p50 <= 200 ms and p99 <= 1 s; peak RSS <= 300 MB. HERALD_BENCH_DIALECTS =
 * sqlite,postgres (default both); files under HERALD_BENCH_DIR (default the system temp folder, a
 * disk, since durability is the point).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { BenchCase, BenchSuite } from './types.ts';
import { percentileOf } from './measure.ts';
import { poster } from './serve-client.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import type { Database, Dialect } from '../runtime/db/database.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { FileTransport } from '../runtime/delivery/index.ts';
import { startServe, type RunningServe } from '../runtime/serve/serve.ts';
import { HTTP_EVENT_SOURCE, messageEventId } from '../runtime/serve/intake/messages.ts';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.ts';
import { cartWorkspace, compileAt, memoryLog, openMigrated, spawnServe, type ServeWorkspace } from '../test/serve/support.ts';

const BATCHES = Number(process.env.HERALD_BENCH_SERVE_BATCHES ?? 200);
const SINGLES = Number(process.env.HERALD_BENCH_SERVE_SINGLES ?? 2_000);
const SECONDS = Number(process.env.HERALD_BENCH_SERVE_SECONDS ?? 10);
const LATENCY_SAMPLES = 25;
const dialects = (process.env.HERALD_BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()) as Dialect[];
const scratch = mkdtempSync(join(process.env.HERALD_BENCH_DIR ?? tmpdir(), 'herald-bench-serve-'));
const AUTH = `Basic ${Buffer.from('bench:').toString('base64')}`;

let ws: ServeWorkspace;
let manifest: Manifest;
let cluster: PostgresCluster | undefined;
const servers = new Map<Dialect, { db: Database; running: RunningServe; base: string; out: string }>();
let round = 0;
let bodies: string[] = [];
const latencies = new Map<Dialect, number[]>();
let peakRss = 0;
let sustainedRate = 0;

async function before(): Promise<void> {
  ws = cartWorkspace({ sendFirst: true, server: ['rate_limit: { per_second: 1000000, burst: 1000000 }'] });
  manifest = compileAt(ws.dir);
  for (const dialect of dialects) {
    let url = `sqlite:${join(scratch, 'serve.db')}`;
    if (dialect === 'postgres') {
      cluster = await startPostgresCluster();
      const admin = openDatabase(cluster.url);
      await sql`create database herald_bench_serve`.execute(admin.kysely);
      await admin.close();
      url = cluster.url.replace(/\/postgres$/, '/herald_bench_serve');
    }
    const db = await openMigrated(url, manifest);
    const out = join(scratch, `out-${dialect}`);
    const running = await startServe({
      dir: ws.dir,
      manifest,
      db,
      env: { HERALD_WRITE_KEY: 'bench' },
      transport: new FileTransport(out),
      log: memoryLog().log,
      role: 'all',
      dryRun: true,
      workerId: `bench-${dialect}`,
      port: 0,
      host: '127.0.0.1',
    });
    servers.set(dialect, { db, running, base: `http://127.0.0.1:${running.port}`, out });
  }
}

/** One purchase message; `tag` makes its messageId unique to the run. */
function message(tag: string, i: number): Record<string, unknown> {
  return {
    type: 'track',
    userId: `c${i % 1000}`,
    event: 'purchase',
    properties: { item_id: `I${i % 50}`, amount: (i % 97) + 0.5 },
    messageId: `${tag}-${i}`,
    timestamp: new Date().toISOString(),
  };
}

const clients = new Map<string, ReturnType<typeof poster>>();

async function postAll(base: string, path: string, all: string[], concurrency: number): Promise<void> {
  let client = clients.get(base);
  if (!client) clients.set(base, (client = poster(base, AUTH, 64)));
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const body = all[next++]!;
      const res = await client(path, body);
      if (res.status !== 200) throw new Error(`intake answered ${res.status}: ${res.text}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function batchCase(dialect: Dialect): BenchCase {
  return {
    name: `${dialect}: POST /v1/batch, 100 events each (${BATCHES * 100} events)`,
    group: `batch-${dialect}`,
    units: BATCHES * 100,
    unitName: 'events',
    setup: () => {
      const tag = `b${round++}`;
      bodies = Array.from({ length: BATCHES }, (_, b) =>
        JSON.stringify({ batch: Array.from({ length: 100 }, (_, k) => message(tag, b * 100 + k)) }),
      );
    },
    run: () => postAll(servers.get(dialect)!.base, '/v1/batch', bodies, 4),
  };
}

function singleCase(dialect: Dialect): BenchCase {
  return {
    name: `${dialect}: POST /v1/track, single calls, 32 at a time (${SINGLES} events)`,
    group: `single-${dialect}`,
    units: SINGLES,
    unitName: 'events',
    setup: () => {
      const tag = `s${round++}`;
      bodies = Array.from({ length: SINGLES }, (_, i) => JSON.stringify(message(tag, i)));
    },
    run: () => postAll(servers.get(dialect)!.base, '/v1/track', bodies, 32),
  };
}

/** The baseline: the same event rows with a plain prepared insert, one commit per 100 rows. */
function plainCase(dialect: Dialect, rows: number, group: string, commitEvery: number): BenchCase {
  let prepared: Array<Record<string, unknown>> = [];
  return {
    name: `${dialect}: plain prepared insert of the same rows, ${commitEvery === 1 ? 'commit per row' : `commit per ${commitEvery}`} (${rows} rows)`,
    group,
    baseline: dialect === 'sqlite' && group.startsWith('batch'),
    units: rows,
    unitName: 'rows',
    setup: () => {
      const tag = `p${round++}`;
      prepared = Array.from({ length: rows }, (_, i) => {
        const m = message(tag, i) as {
          userId: string;
          messageId: string;
          timestamp: string;
          properties: { item_id: string; amount: number };
        };
        return {
          id: messageEventId(m.messageId),
          customer_id: m.userId,
          type: 'purchase',
          at: Date.parse(m.timestamp),
          source: HTTP_EVENT_SOURCE,
          item_id: m.properties.item_id,
          amount: m.properties.amount,
        };
      });
    },
    async run() {
      const db = servers.get(dialect)!.db;
      if (db.sqlite) {
        const raw = db.sqlite;
        const stmt = raw.prepare(
          'insert into events (id, customer_id, type, at, source, item_id, amount) values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing',
        );
        const commit = raw.transaction((slice: Array<Record<string, unknown>>) => {
          for (const r of slice) stmt.run(r.id, r.customer_id, r.type, r.at, r.source, r.item_id, r.amount);
        });
        for (let i = 0; i < prepared.length; i += commitEvery) {
          // One commit at a time on the shared connection, as the server's own writes take it.
          await db.kysely.connection().execute(async () => commit(prepared.slice(i, i + commitEvery)));
        }
        return;
      }
      for (let i = 0; i < prepared.length; i += commitEvery) {
        await db.transaction((trx) =>
          trx
            .insertInto('events')
            .values(prepared.slice(i, i + commitEvery))
            .onConflict((oc) => oc.column('id').doNothing())
            .execute(),
        );
      }
    },
  };
}

function latencyCase(dialect: Dialect): BenchCase {
  return {
    name: `${dialect}: event to .eml, journey whose first step sends (${LATENCY_SAMPLES} events, one at a time)`,
    units: LATENCY_SAMPLES,
    unitName: 'events',
    async setup() {
      const { base } = servers.get(dialect)!;
      const tag = `l${round++}`;
      const identify = Array.from({ length: LATENCY_SAMPLES }, (_, i) => ({
        type: 'identify',
        userId: `${tag}_${i}`,
        traits: { email: `${tag}_${i}@example.test`, email_consent: true },
        messageId: `${tag}-i${i}`,
      }));
      bodies = [JSON.stringify({ batch: identify })];
      await postAll(base, '/v1/batch', bodies, 1);
      bodies = Array.from({ length: LATENCY_SAMPLES }, (_, i) =>
        JSON.stringify({
          userId: `${tag}_${i}`,
          event: 'added_to_cart',
          properties: { item_id: 'A', price: 1 },
          messageId: `${tag}-t${i}`,
        }),
      );
    },
    async run() {
      const { base, out } = servers.get(dialect)!;
      const count = () => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.eml')).length : 0);
      for (const body of bodies) {
        const before = count();
        const started = performance.now();
        await postAll(base, '/v1/track', [body], 1);
        while (count() === before) {
          if (performance.now() - started > 10_000) throw new Error('no email within 10 s');
          await new Promise((r) => setTimeout(r, 2));
        }
        latencies.set(dialect, [...(latencies.get(dialect) ?? []), performance.now() - started]);
      }
    },
  };
}

/**
 * A sustained 1,000 events/s (10 batches of 100 a second) for SECONDS against `herald serve` as
 * its own process (the CLI, SQLite, a fresh workspace): its peak resident memory is the kernel's
 * high-water mark (VmHWM), so nothing of this process or the client is counted.
 */
async function sustained(): Promise<void> {
  const own = cartWorkspace({ sendFirst: true, server: ['rate_limit: { per_second: 1000000, burst: 1000000 }'] });
  const server = await spawnServe([own.dir, '--port', '0', '--dry-run'], { HERALD_WRITE_KEY: 'bench' });
  const tag = `m${round++}`;
  const started = performance.now();
  try {
    for (let tick = 0; tick < SECONDS * 10; tick++) {
      const body = JSON.stringify({ batch: Array.from({ length: 100 }, (_, k) => message(tag, tick * 100 + k)) });
      await postAll(server.base, '/v1/batch', [body], 1);
      const wait = started + (tick + 1) * 100 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
    sustainedRate = (SECONDS * 1000) / ((performance.now() - started) / 1000);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    own.dispose();
  }
}

const percentile = (p: number, dialect: Dialect) => percentileOf(latencies.get(dialect) ?? [], p);
let medians: Record<string, number> = {};
const rate = (name: string, units: number) => units / (medians[name]! / 1000);

const suite: BenchSuite = {
  name: 'serve',
  runs: 3,
  warmup: 1,
  before,
  cases: dialects.flatMap((d) => [
    plainCase(d, BATCHES * 100, `batch-${d}`, 100),
    batchCase(d),
    plainCase(d, SINGLES, `single-${d}`, 1),
    singleCase(d),
    latencyCase(d),
  ]),
  targets: [
    {
      description: '>= 20,000 events/s in batches of 100 on SQLite',
      check: (m) => ((medians = m), rate(batchCase('sqlite').name, BATCHES * 100) >= 20_000),
      detail: (m) => `${Math.round((BATCHES * 100) / (m[batchCase('sqlite').name]! / 1000)).toLocaleString('en-GB')} events/s`,
    },
    {
      description: '>= 2,000 single calls/s on SQLite',
      check: (m) => SINGLES / (m[singleCase('sqlite').name]! / 1000) >= 2_000,
      detail: (m) => `${Math.round(SINGLES / (m[singleCase('sqlite').name]! / 1000)).toLocaleString('en-GB')} events/s`,
    },
    {
      description: 'batches within 3x of a plain prepared insert of the same rows (SQLite)',
      check: (m) => m[batchCase('sqlite').name]! / m[plainCase('sqlite', BATCHES * 100, 'batch-sqlite', 100).name]! <= 3,
      detail: (m) => `${(m[batchCase('sqlite').name]! / m[plainCase('sqlite', BATCHES * 100, 'batch-sqlite', 100).name]!).toFixed(2)}x`,
    },
    {
      description: 'single calls within 3x of a plain prepared insert committing each row (SQLite)',
      check: (m) => m[singleCase('sqlite').name]! / m[plainCase('sqlite', SINGLES, 'single-sqlite', 1).name]! <= 3,
      detail: (m) => `${(m[singleCase('sqlite').name]! / m[plainCase('sqlite', SINGLES, 'single-sqlite', 1).name]!).toFixed(2)}x`,
    },
    ...dialects.map((d) => ({
      description: `event-to-send latency p50 <= 200 ms, p99 <= 1 s (file transport, ${d})`,
      check: () => percentile(50, d) <= 200 && percentile(99, d) <= 1000,
      detail: () =>
        `p50 ${percentile(50, d).toFixed(0)} ms, p99 ${percentile(99, d).toFixed(0)} ms over ${latencies.get(d)?.length ?? 0} events`,
    })),
    {
      description: `peak RSS of herald serve <= 300 MB under 1,000 events/s for ${SECONDS} s (SQLite, its own process)`,
      check: () => peakRss <= 300 * 1024 * 1024,
      detail: () => `${(peakRss / 1048576).toFixed(0)} MB peak RSS, ${Math.round(sustainedRate).toLocaleString('en-GB')} events/s held`,
    },
  ],
  async after() {
    await sustained();
    for (const { running, db } of servers.values()) {
      await running.stop();
      await db.close();
    }
    await cluster?.stop();
    ws.dispose();
    rmSync(scratch, { recursive: true, force: true });
  },
};

export default suite;
