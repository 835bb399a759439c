import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import { forEachDialect } from '../support/postgres.ts';
import { workspaceCopies } from '../support/workspace-copies.ts';
import { ForgottenCustomers, forgetHash } from '../../runtime/ingest/forgotten.ts';

const { copy, herald } = workspaceCopies('forget');

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
    const keys = (await db.kysely.selectFrom('delivery_outbox').select('idempotency_key').where('customer_id', '=', 'q02').execute()).map(
      (r) => String(r.idempotency_key),
    );
    const entries = (await db.kysely.selectFrom('journey_entries').select('id').execute()).map((r) => String(r.id));
    const idKey = String(
      (await db.kysely.selectFrom('herald_keys').select('value').where('name', '=', 'ids').executeTakeFirstOrThrow()).value,
    );
    return { keys, entries, idKey };
  } finally {
    await db.close();
  }
}

async function audit(url: string): Promise<string[]> {
  const db = openDatabase(url);
  try {
    return (await db.kysely.selectFrom('herald_forget_log').select('customer_hash').execute()).map((r) => String(r.customer_hash));
  } finally {
    await db.close();
  }
}

forEachDialect('herald forget and keyed ids', (ctx) => {
  it('forget erases the dry-run files too, and ids derived from customer ids are keyed per database', async () => {
    const root = copy();
    const [a, b] = [await ctx.freshUrl(), await ctx.freshUrl()];
    for (const [db, dir] of [
      [a, root],
      [b, copy()],
    ] as const) {
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
    // Nor does the SQLite file keep the deleted rows' bytes in its free space or its WAL.
    if (a.startsWith('sqlite:')) expect(readFileSync(a.slice('sqlite:'.length)).includes('ben@example.test')).toBe(false);
    expect(filesHolding(out, 'ada@example.test').length).toBeGreaterThan(0);

    // The audit row is keyed too: neither a hash anyone can compute from the id, nor the value
    // another database stores for the same customer.
    expect((await herald(['forget', 'q02', root, '--db', b, '--format', 'json'])).code).toBe(0);
    const [auditA, auditB] = [await audit(a), await audit(b)];
    expect(auditA).toEqual([forgetHash('q02', Buffer.from(first.idKey, 'hex'))]);
    expect(auditA[0]).toMatch(/^k1:[0-9a-f]{64}$/);
    for (const guess of ['q02', 'herald-forget:q02']) expect(auditA[0]).not.toContain(createHash('sha256').update(guess).digest('hex'));
    expect(auditB).toHaveLength(1);
    expect(auditB[0]).not.toBe(auditA[0]);
    expect(JSON.parse(forgot.out).customer_hash).toBe(auditA[0]);
    // Audit rows written before ids were keyed (a bare hash) still keep their customer out.
    const db = openDatabase(b);
    try {
      const legacy = createHash('sha256').update('herald-forget:q03').digest('hex');
      await db.kysely.insertInto('herald_forget_log').values({ customer_hash: legacy, forgotten_at: 0, counts: '{}' }).execute();
      const forgotten = await ForgottenCustomers.load(db);
      expect([forgotten.has('q02'), forgotten.has('q03'), forgotten.has('q04')]).toEqual([true, true, false]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
