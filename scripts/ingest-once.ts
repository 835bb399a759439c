/**
 * Loads the flagship workspace's Online Retail Source into a fresh SQLite file in a process of its
 * own and prints one JSON line: wall time, CPU time, rows, and the process's peak resident memory.
 * The benchmark (bench/ingest.bench.ts) runs it to measure memory without its own data in the way.
 *
 *   node bin/run-ts.js scripts/ingest-once.ts <build/manifest.json> <workspace dir> <db file> [source]
 */
import { rmSync } from 'node:fs';
import { loadManifestFile } from '../compiler/contract/read-manifest.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { ingestWorkspace } from '../runtime/ingest/index.ts';

const [manifestPath, root, dbFile, source] = process.argv.slice(2) as [string, string, string, string | undefined];
for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
const manifest = await loadManifestFile(manifestPath);
const db = openDatabase(`sqlite:${dbFile}`);
await migrate(db);
await syncSchema(db, manifest.dataModel);
const cpu = process.cpuUsage();
const start = performance.now();
const summary = await ingestWorkspace({ db, manifest, root, ...(source ? { only: [source] } : {}) });
const used = process.cpuUsage(cpu);
await db.close();
process.stdout.write(
  `${JSON.stringify({
    ms: Math.round(performance.now() - start),
    cpuMs: Math.round((used.user + used.system) / 1000),
    rows: summary.totals.rows,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
