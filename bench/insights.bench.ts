/**
 * The model endpoints of `herald serve` (runtime/insights/serve/model-routes.ts), through the real
 * HTTP server in this process (the client too, so its work counts against Herald on a shared
 * machine), on SQLite: `GET /v1/customers/{id}/recommendations?model=&k=10` for customers the
 * model scored, the same for customers it did not (the popularity fallback), and
 * `GET /v1/customers/{id}/scores`. Each run is REQUESTS calls, CONCURRENCY at a time, over
 * customers in a fixed shuffled order; per endpoint the latency of every measured call gives
 * p50/p95/p99.
 *
 * Baselines in the same run: `GET /healthz` through the same server and client (what HTTP, the
 * key check and JSON cost without the database), and a plain prepared SELECT of the same rows
 * (the customer's recommendations joined to their items) with no HTTP at all. The printed ratio
 * is each endpoint's p99 against /healthz's p99. Target: p99 under 50 ms for every endpoint.
 *
 * Data: HERALD_BENCH_MODEL_CUSTOMERS customers (default 20,000), 2,000 items, 10 stored
 * recommendations for nine customers in ten, a score and tier for every customer, 50,000
 * purchases; the rows a `herald train`/`herald score` run writes, inserted directly. Files under
 * HERALD_BENCH_DIR (default /dev/shm, else the system temp folder).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchCase, BenchSuite } from './types.ts';
import { percentileOf } from './measure.ts';
import { getter } from './serve-client.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import type { Database } from '../runtime/db/database.ts';
import { FileTransport } from '../runtime/delivery/index.ts';
import { seededRng } from '../runtime/models/rng.ts';
import { startServe, type RunningServe } from '../runtime/serve/serve.ts';
import { compileAt, memoryLog, openMigrated } from '../test/serve/support.ts';

const CUSTOMERS = Number(process.env.HERALD_BENCH_MODEL_CUSTOMERS ?? 20_000);
const ITEMS = 2_000;
const PURCHASES = 50_000;
const REQUESTS = Number(process.env.HERALD_BENCH_MODEL_REQUESTS ?? 1_000);
const CONCURRENCY = 4;
const RUNS = 5;
const WARMUP = 1;
const P99_TARGET_MS = 50;
const KEY = 'bench-read-key';
const scratch = mkdtempSync(
  join(process.env.HERALD_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()), 'herald-bench-insights-'),
);

let db: Database;
let running: RunningServe;
let get: ReturnType<typeof getter>;
/** Customers with stored recommendations, and those the model never scored, each in a fixed shuffled order. */
let scored: string[] = [];
let unscored: string[] = [];
let sink = 0;

async function before(): Promise<void> {
  const dir = join(scratch, 'shop');
  cpSync(resolve('test/models/fixtures/shop'), dir, { recursive: true });
  const manifest: Manifest = compileAt(dir);
  db = await openMigrated(`sqlite:${join(scratch, 'models.db')}`, manifest);
  const raw = db.sqlite!;
  const rng = seededRng(11);
  const customer = raw.prepare('INSERT INTO customers (id, email, country) VALUES (?, ?, ?)');
  const item = raw.prepare('INSERT INTO items (id, category, price) VALUES (?, ?, ?)');
  const recommendation = raw.prepare(
    'INSERT INTO model_recommendations (model, customer_id, rank, item_id, score, version) VALUES (?, ?, ?, ?, ?, 1)',
  );
  const score = raw.prepare('INSERT INTO model_scores (model, customer_id, score, tier, cluster, version) VALUES (?, ?, ?, ?, NULL, 1)');
  const purchase = raw.prepare("INSERT INTO events (id, customer_id, type, at, item_id, amount) VALUES (?, ?, 'purchase', ?, ?, ?)");
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c${i}`);
  raw.transaction(() => {
    for (let i = 0; i < ITEMS; i++) item.run(`I${i}`, `cat${i % 40}`, 1 + (i % 50));
    for (const [i, id] of ids.entries()) {
      customer.run(id, `${id}@example.test`, i % 3 === 0 ? 'France' : 'United Kingdom');
      const p = rng.next();
      score.run('repurchase_90d', id, p, p > 0.5 ? 'high' : p > 0.2 ? 'medium' : 'low');
      if (i % 10 === 9) continue; // never scored by next_items: the popularity fallback answers
      for (let rank = 1; rank <= 10; rank++) recommendation.run('next_items', id, rank, `I${rng.int(ITEMS)}`, 1 / rank);
    }
    // Purchases skewed towards the first items, so the popularity ranking has a head.
    for (let i = 0; i < PURCHASES; i++)
      purchase.run(`p${i}`, ids[rng.int(CUSTOMERS)]!, Date.UTC(2026, 0, 1) + i * 60_000, `I${Math.floor(ITEMS * rng.next() ** 3)}`, 10);
  })();
  raw.exec('ANALYZE');
  const shuffled = [...ids].sort(() => rng.next() - 0.5);
  scored = shuffled.filter((id) => Number(id.slice(1)) % 10 !== 9);
  unscored = shuffled.filter((id) => Number(id.slice(1)) % 10 === 9);
  running = await startServe({
    dir,
    manifest,
    db,
    env: { HERALD_READ_KEY: KEY },
    transport: new FileTransport(join(scratch, 'out')),
    log: memoryLog().log,
    role: 'api',
    dryRun: true,
    workerId: 'bench-insights',
    port: 0,
    host: '127.0.0.1',
  });
  get = getter(`http://127.0.0.1:${running.port}`, `Bearer ${KEY}`, CONCURRENCY);
  process.stderr.write(
    `  ${CUSTOMERS.toLocaleString('en-GB')} customers, ${REQUESTS.toLocaleString('en-GB')} calls per run, ${CONCURRENCY} at a time\n`,
  );
}

/** Per case: every measured call's latency (ms). */
const latencies = new Map<string, number[]>();

/** A case of REQUESTS calls to `path(customer)`, CONCURRENCY at a time, each call timed. */
function endpointCase(name: string, customers: () => string[], path: (id: string) => string, baseline = false): BenchCase {
  let round = 0;
  return {
    name,
    baseline,
    units: REQUESTS,
    unitName: 'calls',
    setup: () => void round++,
    async run() {
      const list = customers();
      const samples = latencies.get(name) ?? [];
      latencies.set(name, samples);
      let next = 0;
      const worker = async () => {
        while (next < REQUESTS) {
          const id = list[(round * REQUESTS + next++) % list.length]!;
          const start = performance.now();
          const res = await get(path(id));
          const elapsed = performance.now() - start;
          if (res.status !== 200) throw new Error(`${path(id)} answered ${res.status}: ${res.text.slice(0, 200)}`);
          sink += res.text.length;
          if (round > WARMUP) samples.push(elapsed);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    },
  };
}

/** The same rows the recommendations endpoint reads, with one prepared statement and no HTTP. */
function preparedSelectCase(): BenchCase {
  const name = PREPARED;
  let round = 0;
  return {
    name,
    units: REQUESTS,
    unitName: 'calls',
    setup: () => void round++,
    run() {
      const stmt = db.sqlite!.prepare(
        "SELECT r.item_id, r.score, i.category, i.price FROM model_recommendations r JOIN items i ON i.id = r.item_id WHERE r.model = 'next_items' AND r.customer_id = ? ORDER BY r.rank LIMIT 10",
      );
      const samples = latencies.get(name) ?? [];
      latencies.set(name, samples);
      for (let n = 0; n < REQUESTS; n++) {
        const id = scored[(round * REQUESTS + n) % scored.length]!;
        const start = performance.now();
        sink += stmt.all(id).length;
        if (round > WARMUP) samples.push(performance.now() - start);
      }
    },
  };
}

const PREPARED = "plain prepared SELECT of a customer's recommendations and their items (no HTTP)";
const HEALTHZ = `GET /healthz (baseline: the same server and client, no database)`;
const MODELLED = 'GET /v1/customers/{id}/recommendations?model=next_items&k=10 (stored recommendations)';
const FALLBACK = 'GET /v1/customers/{id}/recommendations?model=next_items&k=10 (popularity fallback)';
const SCORES = 'GET /v1/customers/{id}/scores';
const ENDPOINTS = [MODELLED, FALLBACK, SCORES];

const p = (name: string, q: number) => percentileOf(latencies.get(name) ?? [], q);
const spread = (name: string) => `p50 ${p(name, 50).toFixed(2)} ms, p95 ${p(name, 95).toFixed(2)} ms, p99 ${p(name, 99).toFixed(2)} ms`;

const suite: BenchSuite = {
  name: 'insights',
  runs: RUNS,
  warmup: WARMUP,
  before,
  async after() {
    await running?.stop();
    await db?.close();
    rmSync(scratch, { recursive: true, force: true });
  },
  cases: [
    {
      ...endpointCase(
        HEALTHZ,
        () => scored,
        () => '/healthz',
        true,
      ),
      group: 'http',
    },
    {
      ...endpointCase(
        MODELLED,
        () => scored,
        (id) => `/v1/customers/${id}/recommendations?model=next_items&k=10`,
      ),
      group: 'http',
    },
    {
      ...endpointCase(
        FALLBACK,
        () => unscored,
        (id) => `/v1/customers/${id}/recommendations?model=next_items&k=10`,
      ),
      group: 'http',
    },
    {
      ...endpointCase(
        SCORES,
        () => scored,
        (id) => `/v1/customers/${id}/scores`,
      ),
      group: 'http',
    },
    preparedSelectCase(),
  ],
  targets: [
    ...ENDPOINTS.map((name) => ({
      description: `${name}: p99 under ${P99_TARGET_MS} ms (${CONCURRENCY} calls at a time, SQLite)`,
      check: () => p(name, 99) < P99_TARGET_MS,
      detail: () => `${spread(name)}; p99 ${(p(name, 99) / p(HEALTHZ, 99)).toFixed(2)}x /healthz's`,
    })),
    {
      description: 'baselines (latency per call)',
      check: () => true,
      detail: () => `/healthz ${spread(HEALTHZ)}; prepared SELECT ${spread(PREPARED)}`,
    },
  ],
};

export default suite;
export { sink };
