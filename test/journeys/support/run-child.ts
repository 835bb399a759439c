/**
 * A `herald run` worker as its own process, for the crash tests: runs journeys from the manifest
 * in argv[2] on the database argv[3] from argv[4] (a fresh database) up to argv[5], writing messages
 * through the file transport into argv[6], as worker argv[7] (`default`: the default worker id).
 * Prints READY once the database is open, SLICE per slice, PROBLEM per problem of the run, DONE.
 *
 * With BLOCK_AT_SEND=N the N-th message handed to the transport is where the process stops: it
 * creates that message's temporary file in `.partial/` (empty, as the file transport's write
 * does first), prints `BLOCKED <worker id>` and sleeps, so the parent can SIGKILL it while rows
 * are claimed (`sending`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from '../../../runtime/delivery/types.ts';
import { defaultWorkerId, processTag } from '../../../runtime/delivery/liveness.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { openDatabase } from '../../../runtime/db/open.ts';
import { FileTransport } from '../../../runtime/delivery/transports/file.ts';
import { runJourneys } from '../../../runtime/journeys/index.ts';

const [manifestPath, url, from, until, out, worker] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath!, 'utf8')) as Manifest;
const db = openDatabase(url!);
process.stdout.write('READY\n');
const files = new FileTransport(out!);
const blockAt = Number(process.env.BLOCK_AT_SEND ?? 0);
let handed = 0;
const transport: Transport = {
  name: files.name,
  idempotent: files.idempotent,
  async send(message) {
    if (++handed === blockAt) {
      mkdirSync(join(out!, '.partial'), { recursive: true });
      writeFileSync(join(out!, '.partial', `${message.idempotencyKey}.html.${processTag()}`), '');
      process.stdout.write(`BLOCKED ${defaultWorkerId()}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
    return files.send(message);
  },
};
const summary = await runJourneys(db, manifest, {
  from: Date.parse(from!),
  until: Date.parse(until!),
  transport,
  ...(worker === 'default' ? {} : { workerId: worker ?? 'crash-test' }),
  resolutionMs: 0,
  batchSize: 7,
  onSlice: ({ at }) => process.stdout.write(`SLICE ${at}\n`),
});
await db.close();
for (const p of summary.problems) process.stdout.write(`PROBLEM ${p.severity}[${p.code}]: ${p.message}\n`);
process.stdout.write(`DONE ${summary.delivery.sent}\n`);
