/**
 * Child process of the kill-and-rerun test: ingests a workspace from its manifest.json into a
 * database URL, printing `ROWS <path> <n>` after each batch. With PAUSE_IN=<path> it stops (a
 * blocking sleep, inside the file's open transaction) after the first batch of that file, so the
 * parent can SIGKILL it in the middle of the file.
 */
import { join } from 'node:path';
import { loadManifestFile } from '../../../compiler/contract/read-manifest.ts';
import { openDatabase } from '../../../runtime/db/open.ts';
import { migrate } from '../../../runtime/db/migrate.ts';
import { syncSchema } from '../../../runtime/db/sync.ts';
import { ingestWorkspace } from '../../../runtime/ingest/index.ts';

const [dir, url] = process.argv.slice(2) as [string, string];
const pauseIn = process.env.PAUSE_IN;
const manifest = await loadManifestFile(join(dir, 'manifest.json'));
const db = openDatabase(url);
await migrate(db);
await syncSchema(db, manifest.dataModel);
await ingestWorkspace({
  db,
  manifest,
  root: dir,
  onProgress(e) {
    if (e.kind !== 'rows') return;
    process.stdout.write(`ROWS ${e.path} ${e.rows}\n`);
    if (pauseIn && e.path.endsWith(pauseIn)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  },
});
await db.close();
process.stdout.write('DONE\n');
