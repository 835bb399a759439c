import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { runPipeline } from '../compiler/index.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import type { Database } from '../runtime/db/database.ts';
import { ensureIngestTables, ingestWorkspace } from '../runtime/ingest/index.ts';
import type { BenchSuite } from './types.ts';
import { CpuTimes } from './cpu-time.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Ingestion of the full Online Retail set (305 daily files, 541,909 lines) into SQLite:
 * - baseline: the same rows Herald stores (its events and its rejects), already mapped, inserted
 *   with plain better-sqlite3 prepared statements in one transaction;
 * - Herald's ingest: reading, validating, mapping, de-duplicating, one transaction per file;
 * - re-ingest of the unchanged files (every file skipped by its content hash).
 * Also, in a process of its own, the peak resident memory of a full ingest, and the README's
 * facts reconciled from what was loaded plus what was rejected.
 */
const ROOT = join(import.meta.dirname, '..', 'campaigns');
const SOURCE = 'online_retail';
const README_FACTS = { lines: 541_909, customers: 4_372, invoices: 25_900, withoutCustomer: 135_080, cancellations: 9_288 };

let manifest: Manifest;
let work: string;
let loaded: Database;
let eventColumns: string[];
let eventRows: unknown[][];
let rejectRows: unknown[][];
let fresh: Database | undefined;
let child: { ms: number; cpuMs: number; rows: number; maxRssMb: number } | undefined;
let facts: typeof README_FACTS | undefined;

async function freshDatabase(name: string): Promise<Database> {
  const file = join(work, name);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  const db = openDatabase(`sqlite:${file}`);
  await migrate(db);
  await syncSchema(db, manifest.dataModel);
  await ensureIngestTables(db);
  return db;
}

function ingest(db: Database) {
  return ingestWorkspace({ db, manifest, root: ROOT, only: [SOURCE] });
}

/** The README's facts from the loaded database: events plus rejects, nothing else. */
function reconcile(raw: BetterSqlite3.Database): typeof README_FACTS {
  const one = (sql: string) => Number((raw.prepare(sql).raw().get() as unknown[])[0]);
  const from = `source like '${SOURCE}:%'`;
  const invoice = `substr(raw, 1, instr(raw, ',') - 1)`;
  return {
    lines: one(`select count(*) from events where ${from}`) + one(`select count(*) from ingest_rejects where source = '${SOURCE}'`),
    customers: one(`select count(distinct customer_id) from events where ${from}`),
    invoices: one(
      `select count(*) from (select invoice from events where ${from} union select ${invoice} from ingest_rejects where source = '${SOURCE}')`,
    ),
    withoutCustomer: one(`select count(*) from ingest_rejects where reason = 'missing_customer'`),
    cancellations:
      one(`select count(*) from events where ${from} and invoice like 'C%'`) +
      one(`select count(*) from ingest_rejects where source = '${SOURCE}' and raw like 'C%'`),
  };
}

/**
 * A full garbage collection, run before each measured run (untimed): what one case left on the
 * heap (the baseline's half a million rows) must not be collected on the next case's clock.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * CPU time of each measured run, by case: on a shared machine wall time also counts the time other
 * processes hold the cores or the disk, so the CPU medians are printed beside the table.
 */
const cpu = new CpuTimes();
const timedCpu = (name: string, work: () => Promise<unknown> | unknown) => cpu.time(name, work);
const medianCpu = (name: string) => cpu.median(name);

const BASELINE = 'baseline: prepared inserts of the same rows (one transaction)';
const INGEST = 'herald ingest: 305 files into SQLite';

const suite: BenchSuite = {
  name: 'ingest',
  runs: 3,
  warmup: 0,
  async before() {
    work = mkdtempSync(join(tmpdir(), 'herald-bench-ingest-'));
    const compiled = runPipeline(ROOT, { emit: true });
    if (!compiled.emitted) throw new Error(`campaigns/ does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
    manifest = compiled.emitted.manifest as Manifest;
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));
    // One full load, kept: the re-ingest case runs against it, and the baseline copies its rows.
    loaded = await freshDatabase('loaded.db');
    await ingest(loaded);
    const raw = loaded.sqlite!;
    facts = reconcile(raw);
    eventColumns = raw
      .prepare('select * from events limit 1')
      .columns()
      .map((c) => c.name);
    // Peak memory of a full ingest in a process of its own.
    const out = execFileSync(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'bin', 'run-ts.js'),
        join(import.meta.dirname, '..', 'scripts', 'ingest-once.ts'),
        join(work, 'manifest.json'),
        ROOT,
        join(work, 'child.db'),
        SOURCE,
      ],
      { encoding: 'utf8' },
    );
    child = JSON.parse(out.trim().split('\n').pop()!);
    process.stderr.write(`  full ingest in its own process: ${child!.ms} ms (${child!.cpuMs} ms CPU), peak RSS ${child!.maxRssMb} MB\n`);
    process.stderr.write(`  reconciled: ${JSON.stringify(facts)}\n`);
  },
  async after() {
    await loaded?.close();
    rmSync(work, { recursive: true, force: true });
    const base = medianCpu(BASELINE);
    const ingest = medianCpu(INGEST);
    process.stdout.write(
      `  CPU medians: baseline ${(base / 1000).toFixed(2)} s, herald ingest ${(ingest / 1000).toFixed(2)} s (${(ingest / base).toFixed(2)}x); in its own process ${((child?.cpuMs ?? NaN) / 1000).toFixed(2)} s CPU\n`,
    );
  },
  cases: [
    {
      name: BASELINE,
      baseline: true,
      units: 541_909,
      unitName: 'rows',
      async setup() {
        fresh = await freshDatabase('baseline.db');
        // Read for each run and let go after it: half a million rows held in this process would
        // make every garbage collection of the other cases scan them.
        const raw = loaded.sqlite!;
        eventRows = raw.prepare(`select * from events where source like '${SOURCE}:%'`).raw().all() as unknown[][];
        rejectRows = raw
          .prepare(`select source, file, line, reason, detail, raw, customer_id from ingest_rejects where source = '${SOURCE}'`)
          .raw()
          .all() as unknown[][];
        collectGarbage();
      },
      run: () =>
        timedCpu(BASELINE, () => {
          const raw = fresh!.sqlite!;
          const event = raw.prepare(
            `insert into events (${eventColumns.map((c) => `"${c}"`).join(', ')}) values (${eventColumns.map(() => '?').join(', ')})`,
          );
          const reject = raw.prepare(
            'insert into ingest_rejects (source, file, line, reason, detail, raw, customer_id) values (?, ?, ?, ?, ?, ?, ?)',
          );
          raw.transaction(() => {
            for (const r of eventRows) event.run(r);
            for (const r of rejectRows) reject.run(r);
          })();
        }),
      async teardown() {
        await fresh?.close();
        eventRows = [];
        rejectRows = [];
      },
    },
    {
      name: INGEST,
      units: 541_909,
      unitName: 'rows',
      async setup() {
        fresh = await freshDatabase('ingest.db');
        collectGarbage();
      },
      run: () => timedCpu(INGEST, () => ingest(fresh!)),
      async teardown() {
        await fresh?.close();
      },
    },
    {
      name: 're-ingest of the unchanged files',
      units: 305,
      unitName: 'files',
      async run() {
        const summary = await ingest(loaded);
        if (summary.totals.files.skipped !== 305)
          throw new Error(`expected 305 skipped files, got ${JSON.stringify(summary.totals.files)}`);
      },
    },
  ],
  targets: [
    { description: 'full ingest under 10 s', check: (m) => m[INGEST]! < 10_000 },
    { description: 'full ingest at most 3x the baseline', check: (m) => m[INGEST]! <= 3 * m[BASELINE]! },
    { description: 're-ingest of unchanged files under 1 s', check: (m) => m['re-ingest of the unchanged files']! < 1_000 },
    { description: 'peak RSS of a full ingest (own process) under 300 MB', check: () => child !== undefined && child.maxRssMb < 300 },
    {
      description:
        'README facts reconciled (541,909 lines, 4,372 customers, 25,900 invoices, 135,080 without customer, 9,288 cancellations)',
      check: () => JSON.stringify(facts) === JSON.stringify(README_FACTS),
    },
  ],
};

export default suite;
