/**
 * Child process of the kill-and-rerun test: ingests a workspace from its manifest.json into a
 * database URL, printing `ROWS <path> <n>` after each batch. With PAUSE_IN=<path> it stops (a
 * blocking sleep, inside the file's open transaction) after the first batch of that file, so the
 * parent can SIGKILL it in the middle of the file (PAUSE_MS: for how long, default 60 s; with
 * RELEASE_FILE=<path> the pause ends as soon as that file exists). `READY` is printed just before
 * the ingest starts. Another
 * ingest holding the database prints `BUSY <message>` and exits 3; one that waited for another
 * prints `WAITING <source>`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifestFile } from '../../../compiler/contract/read-manifest.ts';
import { openDatabase } from '../../../runtime/db/open.ts';
import { migrate } from '../../../runtime/db/migrate.ts';
import { syncSchema } from '../../../runtime/db/sync.ts';
import { IngestBusyError, ingestWorkspace } from '../../../runtime/ingest/index.ts';

const [dir, url] = process.argv.slice(2) as [string, string];
const pauseIn = process.env.PAUSE_IN;
const pauseMs = Number(process.env.PAUSE_MS ?? 60_000);
const manifest = await loadManifestFile(join(dir, 'manifest.json'));
const db = openDatabase(url);
await migrate(db);
await syncSchema(db, manifest.dataModel);
const releaseFile = process.env.RELEASE_FILE;
let paused = false;

/** A blocking sleep inside the open transaction, until PAUSE_MS passed or RELEASE_FILE exists. */
function pause(): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + pauseMs;
  while (Date.now() < until && !(releaseFile && existsSync(releaseFile))) Atomics.wait(cell, 0, 0, Math.min(25, until - Date.now()));
}

process.stdout.write('READY\n');
try {
  await ingestWorkspace({
    db,
    manifest,
    root: dir,
    onProgress(e) {
      if (e.kind === 'waiting') process.stdout.write(`WAITING ${e.source}\n`);
      if (e.kind !== 'rows') return;
      process.stdout.write(`ROWS ${e.path} ${e.rows}\n`);
      if (pauseIn && !paused && e.path.endsWith(pauseIn)) {
        paused = true;
        pause();
      }
    },
  });
} catch (e) {
  if (!(e instanceof IngestBusyError)) throw e;
  process.stdout.write(`BUSY ${e.message}\n`);
  await db.close();
  process.exit(3);
}
await db.close();
process.stdout.write('DONE\n');
