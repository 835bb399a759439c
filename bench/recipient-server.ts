/**
 * The server half of bench/recipient.bench.ts, in its own process so that it has one core to
 * itself and its CPU time is its own: a plain node:http server that answers `/plain/...` with a
 * fixed 302 (the floor any Node HTTP server pays) and `/t/...` through Herald's click and open
 * routes (runtime/recipient/tracking-routes.ts) on a SQLite database of sent messages. Tells the
 * parent its port and the tracking URLs over IPC; answers `cpu` messages with its CPU time.
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPipeline } from '../compiler/index.ts';
import { stopMjmlWorker } from '../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { loadIdKey } from '../runtime/db/id-key.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { deliverDue, enqueue, FileTransport, sendKey } from '../runtime/delivery/index.ts';
import { LinkSigner } from '../runtime/recipient/tokens.ts';
import { createRecipientFeature } from '../runtime/recipient/feature.ts';
import type { Route, ServeRequest } from '../runtime/serve/extension.ts';

const MESSAGES = Number(process.env.HERALD_BENCH_MESSAGES ?? 500);
const SECRET = { keys: [Buffer.from('bench-secret-'.repeat(4))], throwaway: false };
const NOW = Date.UTC(2026, 2, 10, 12);

const result = runPipeline(resolve('test/recipient/fixtures/shop'), { emit: true });
stopMjmlWorker();
if (!result.emitted) throw new Error('the recipient fixture does not compile');
const manifest = result.emitted.manifest as Manifest;
const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'herald-bench-recipient-'));
const db = openDatabase(`sqlite:${join(scratch, 'bench.db')}`);
await migrate(db);
await syncSchema(db, manifest.dataModel, []);
const idKey = await loadIdKey(db.kysely);
const ids = Array.from({ length: MESSAGES }, (_, i) => `b${i}`);
await db.kysely
  .insertInto('customers')
  .values(ids.map((id) => ({ id, email: `${id}@example.test`, first_name: 'B', email_consent: 1 })))
  .execute();
const sends = ids.map((id) => ({
  idempotencyKey: sendKey({ kind: 'journey', name: 'news', version: 'v1', customerId: id, entryId: id, step: 'issue' }, idKey),
  origin: { kind: 'journey' as const, name: 'news', version: 'v1', step: 'issue' },
  customerId: id,
  entryId: id,
  template: 'newsletter',
  dueAt: NOW,
}));
await enqueue(db.kysely, sends);
const signer = new LinkSigner(SECRET);
await deliverDue(db, { now: NOW, manifest, transport: new FileTransport(join(scratch, 'out')), workerId: 'bench', signer });

const quiet = { info() {}, warn() {}, error() {} };
const metric = { inc() {}, set() {}, observe() {} };
const feature = createRecipientFeature(
  {
    dir: scratch,
    manifest,
    db,
    env: {},
    now: () => new Date(NOW + 3_600_000),
    log: quiet,
    metrics: { counter: () => metric, gauge: () => metric, histogram: () => metric },
    dryRun: false,
    wake() {},
  },
  { secret: SECRET },
);
const routes = feature.routes.filter((r) => r.path.startsWith('/t/'));
const links = (manifest.definitions['Template/newsletter']!.compiled as { tracking: { links: Record<string, string> } }).tracking.links;
const linkId = Object.keys(links)[0]!;
const clickPaths = sends.map((s) => `/t/c/${signer.sign('click', s.idempotencyKey, linkId)}/${linkId}`);

/** The matching `herald serve` does: literal segments and `:name` parameters. */
function match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i]!.startsWith(':')) params[pattern[i]!.slice(1)] = segments[i]!;
      else ok = pattern[i] === segments[i];
    }
    if (ok) return { route, params };
  }
  return undefined;
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/plain/')) {
    res.writeHead(302, { location: 'https://shop.example/sale', 'cache-control': 'no-store' }).end();
    return;
  }
  const found = match(req.method ?? 'GET', url.split('?')[0]!);
  if (!found) {
    res.writeHead(404).end();
    return;
  }
  const request: ServeRequest = {
    method: req.method ?? 'GET',
    path: url,
    query: new URLSearchParams(),
    headers: req.headers,
    body: Buffer.alloc(0),
    remoteAddress: req.socket.remoteAddress ?? '',
  };
  found.route.handle(request, found.params).then(
    (r) => res.writeHead(r.status, r.headers).end(r.body),
    () => res.writeHead(500).end(),
  );
});
/** The same click path with one character of the token's MAC changed (after the version letter and the 32-digit key). */
function forge(path: string): string {
  const forged = path.replace(/\/c\/([A-Za-z0-9]{33})(.)/, (_m, head: string, c: string) => `/c/${head}${c === 'A' ? 'B' : 'A'}`);
  if (forged === path) throw new Error(`the bench cannot forge ${path}: the token format changed`);
  return forged;
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0, clickPaths, forged: clickPaths.map(forge) });
});
process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send!({ cpuMs: (u.user + u.system) / 1000 });
  } else if (m === 'stop') {
    server.close();
    void db.close().then(() => process.exit(0));
  }
});
