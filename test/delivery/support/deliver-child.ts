/**
 * A delivery worker in its own process, for the crash test: delivers everything due at T0 from
 * the database at argv[3] with the manifest at argv[2] into the file transport's dir argv[4],
 * as worker argv[5], and prints `SENT <key>` after each message the transport accepted and
 * `DONE <sent>` at the end. With STOP_AFTER=N it stops dead after the N-th message (mid-batch:
 * that message's files are written, its outcome not yet recorded) and waits to be killed.
 */
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../../runtime/db/open.ts';
import { deliverDue, FileTransport, deliverySettingsOf } from '../../../runtime/delivery/index.ts';
import type { OutgoingMessage } from '../../../runtime/delivery/types.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';

const [manifestPath, url, dir, workerId, leaseMs] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
const db = openDatabase(url);
const files = new FileTransport(dir);
const transport = {
  name: 'file',
  idempotent: true,
  async send(message: OutgoingMessage) {
    const result = await files.send(message);
    process.stdout.write(`SENT ${message.idempotencyKey}\n`);
    if (++sent === stopAfter) await new Promise(() => undefined);
    return result;
  },
};
const stopAfter = process.env.STOP_AFTER ? Number(process.env.STOP_AFTER) : undefined;
let sent = 0;
const settings = deliverySettingsOf(manifest);
if (leaseMs) settings.leaseMs = Number(leaseMs);
const T0 = Number(process.env.DELIVER_AT);
const summary = await deliverDue(db, { now: T0, manifest, transport, workerId, settings, batchSize: 25 });
await db.close();
process.stdout.write(`DONE ${summary.sent} RECOVERED ${summary.recovered}\n`);
