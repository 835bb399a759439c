// The background checkpointer of runtime/db/background-checkpoint.ts: its own connection to the
// SQLite file, copying the write-ahead log into the database every `everyMs` (PASSIVE: it never
// waits for, nor blocks, the serving connection's readers and writers). Plain JavaScript, loaded as
// is from the sources and from dist/.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
} catch (e) {
  parentPort.postMessage({ error: String(e?.message ?? e) });
  process.exit(0);
}
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    // SQLITE_BUSY while another connection checkpoints: the next turn tries again.
    if (e?.code !== 'SQLITE_BUSY') parentPort.postMessage({ error: String(e?.message ?? e) });
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
  parentPort.close();
});
