import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { forEachDialect } from '../support/postgres.ts';

const QUICKSTART = join(import.meta.dirname, '../../examples/quickstart');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function herald(args: string[]) {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, done) => (add(c.toString()), done()) });
  const code = await main(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), cwd: process.cwd(), env: {} });
  return { code, out, err };
}

function filesHolding(dir: string, text: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (readFileSync(join(d, e.name), 'utf8').includes(text)) found.push(e.name);
    }
  };
  walk(dir);
  return found;
}

async function ids(url: string): Promise<{ keys: string[]; entries: string[]; idKey: string }> {
  const db = openDatabase(url);
  try {
    const keys = (await db.kysely.selectFrom('delivery_outbox').select('idempotency_key').where('customer_id', '=', 'q02').execute()).map((r) => String(r.idempotency_key));
    const entries = (await db.kysely.selectFrom('journey_entries').select('id').execute()).map((r) => String(r.id));
    const idKey = String((await db.kysely.selectFrom('herald_keys').select('value').where('name', '=', 'ids').executeTakeFirstOrThrow()).value);
    return { keys, entries, idKey };
  } finally {
    await db.close();
  }
}

forEachDialect('herald forget and keyed ids', (ctx) => {
  it('forget erases the dry-run files too, and ids derived from customer ids are keyed per database', async () => {
    const copy = () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'herald-forget-')), 'ws');
      dirs.push(join(dir, '..'));
      cpSync(QUICKSTART, dir, { recursive: true });
      return dir;
    };
    const root = copy();
    const [a, b] = [await ctx.freshUrl(), await ctx.freshUrl()];
    for (const [db, dir] of [[a, root], [b, copy()]] as const) {
      expect((await herald(['ingest', dir, '--db', db])).code).toBe(0);
      expect((await herald(['run', dir, '--db', db, '--from', '2026-01-01', '--until', '2026-01-20', '--dry-run'])).code).toBe(0);
    }
    const first = await ids(a);
    const second = await ids(b);
    // A per-database random key: the same customer and send give other ids in another database,
    // and no id is the bare hash anyone could compute from the customer id.
    expect(first.idKey).toMatch(/^[0-9a-f]{64}$/);
    expect(first.idKey).not.toBe(second.idKey);
    expect(first.keys.length).toBeGreaterThan(0);
    expect(first.keys.filter((k) => second.keys.includes(k))).toEqual([]);
    const bare = createHash('sha256').update(['herald-send-v1', 'campaign', 'welcome_new_customers'].join('\u0000')).digest('hex');
    expect(first.keys.some((k) => k.startsWith(bare.slice(0, 8)))).toBe(false);
    // Stable across runs of one database: running the same window again sends nothing new.
    const again = await herald(['run', root, '--db', a, '--until', '2026-01-21', '--dry-run', '--format', 'json']);
    expect(JSON.parse(again.out).delivery.sent).toBe(0);
    expect((await ids(a)).keys).toEqual(first.keys);

    const out = join(root, 'out');
    expect(filesHolding(out, 'ben@example.test').length).toBeGreaterThan(0);
    const forgot = await herald(['forget', 'q02', root, '--db', a, '--format', 'json']);
    expect(forgot.code).toBe(0);
    expect(JSON.parse(forgot.out).deleted.files).toBeGreaterThanOrEqual(3);
    expect(filesHolding(out, 'ben@example.test')).toEqual([]);
    expect(filesHolding(out, 'ada@example.test').length).toBeGreaterThan(0);
  }, 120_000);
});
