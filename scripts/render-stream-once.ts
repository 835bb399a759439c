/**
 * Renders the showcase's recommendations email (subject, HTML and text, six products) for every
 * customer of a generated SQLite database of N customers, streamed page by page from the database
 * (runtime/render/stream.ts), in a process of its own, and prints one JSON line: customers, wall
 * and CPU time, and the process's peak resident memory. bench/render.bench.ts runs it.
 *
 *   node bin/run-ts.js scripts/render-stream-once.ts <customers> <db file>
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { runPipeline } from '../compiler/index.ts';
import { stopMjmlWorker, type CompiledTemplate } from '../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { loadTemplate, readSampleData, renderAllCustomers } from '../runtime/render/index.ts';

const [countArg, dbFile] = process.argv.slice(2) as [string, string];
const customers = Number(countArg);
const root = resolve('examples/templates-showcase');
const built = runPipeline(root, { emit: true });
stopMjmlWorker();
if (!built.emitted) throw new Error('the showcase does not compile');
const manifest = built.emitted.manifest as Manifest;
const template = loadTemplate(manifest.definitions['Template/recommendations']!.compiled as CompiledTemplate);

for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
const db = openDatabase(`sqlite:${dbFile}`);
await migrate(db);
await syncSchema(db, manifest.dataModel, []);
const raw = db.sqlite!;
const sample = readSampleData(resolve(root, 'data/sample.yaml'));
const insertItem = raw.prepare('insert into items (id, name, category, price, image_url, url) values (?, ?, ?, ?, ?, ?)');
for (const i of sample.items) insertItem.run(i.id, i.name, i.category ?? null, i.price, i.image_url ?? null, i.url ?? null);
const names = ['Ada', 'Jean', 'Zoë', "D'Arcy", 'Sam', 'Aoife', 'Lukas', 'Renée'];
const places = [
  ['en-GB', 'Europe/London'],
  ['fr-FR', 'Europe/Paris'],
  ['de-DE', 'Europe/Berlin'],
  ['en-US', 'America/New_York'],
] as const;
const insertCustomer = raw.prepare(
  'insert into customers (id, email, first_name, locale, timezone, email_consent, updated_at) values (?, ?, ?, ?, ?, 1, 0)',
);
const insertEvent = raw.prepare(
  "insert into events (id, customer_id, type, at, item_id, quantity, amount) values (?, ?, 'purchase', ?, ?, ?, ?)",
);
const CHUNK = 100_000;
for (let start = 0; start < customers; start += CHUNK) {
  raw.transaction(() => {
    for (let i = start; i < Math.min(customers, start + CHUNK); i++) {
      const id = `c${String(i).padStart(7, '0')}`;
      const [locale, zone] = places[i % places.length]!;
      // Every tenth customer without a first name: the template's default greets them.
      insertCustomer.run(id, `${id}@example.test`, i % 10 === 0 ? null : names[i % names.length], locale, zone);
      // A purchase for one customer in fifty: popularity, and items to leave out of their picks.
      if (i % 50 === 0) insertEvent.run(`e${i}`, id, 1_700_000_000_000, sample.items[i % sample.items.length]!.id, 1 + (i % 7), 10);
    }
  })();
}

const cpu = process.cpuUsage();
const started = performance.now();
let rendered = 0;
let failed = 0;
let bytes = 0;
for await (const e of renderAllCustomers(db, manifest, template, { asOf: 1_800_000_000_000, timeZone: 'Europe/London' })) {
  if (e.outcome.ok) {
    rendered++;
    bytes += e.outcome.email.html.length + e.outcome.email.text.length + e.outcome.email.subject.length;
  } else failed++;
}
const used = process.cpuUsage(cpu);
await db.close();
for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
process.stdout.write(
  `${JSON.stringify({
    customers,
    rendered,
    failed,
    ms: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
    megabytes: Math.round(bytes / 1e6),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
