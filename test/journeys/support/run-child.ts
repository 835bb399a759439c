/**
 * A `herald run` worker as its own process, for the crash tests: runs journeys from the manifest
 * in argv[2] on the database argv[3] from argv[4] (a fresh database) up to argv[5], writing messages
 * through the file transport into argv[6], as worker argv[7]. Prints READY once the database is open, SLICE per slice, DONE.
 */
import { readFileSync } from 'node:fs';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { openDatabase } from '../../../runtime/db/open.ts';
import { FileTransport } from '../../../runtime/delivery/transports/file.ts';
import { runJourneys } from '../../../runtime/journeys/index.ts';

const [manifestPath, url, from, until, out, worker] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath!, 'utf8')) as Manifest;
const db = openDatabase(url!);
process.stdout.write('READY\n');
const summary = await runJourneys(db, manifest, {
  from: Date.parse(from!),
  until: Date.parse(until!),
  transport: new FileTransport(out!),
  workerId: worker ?? 'crash-test',
  resolutionMs: 0,
  batchSize: 7,
  onSlice: ({ at }) => process.stdout.write(`SLICE ${at}\n`),
});
await db.close();
process.stdout.write(`DONE ${summary.delivery.sent}\n`);
