import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { dialectContext, forEachDialect } from '../support/postgres.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { engagementCommand } from '../../cli/commands/engagement.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { deliverDue, enqueue, FileTransport, listDeliveries, suppressionsAt } from '../../runtime/delivery/index.ts';
import { ingestEngagementFile, parseEngagementLine } from '../../runtime/delivery/engagement.ts';
import { addCustomers, compileShop, HOUR, journeySend, MINUTE, prepare, SHOP, T0 } from './helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
});

describe('engagement log lines', () => {
  it('parses valid records and explains invalid ones', () => {
    expect(parseEngagementLine('{"event":"clicked","message_id":"<k@d>","at":"2026-03-10T12:00:00Z","url":"https://x"}')).toEqual({
      event: 'clicked',
      messageId: 'k@d',
      at: Date.UTC(2026, 2, 10, 12),
      url: 'https://x',
    });
    expect(parseEngagementLine('{"event":"bounced","message_id":"k@d","at":1700000000000,"bounce_type":"soft"}')).toMatchObject({
      bounceType: 'soft',
      at: 1700000000000,
    });
    expect(parseEngagementLine('nope')).toEqual({ error: 'not a JSON object' });
    expect(parseEngagementLine('{"event":"read","message_id":"k","at":1}')).toEqual({ error: expect.stringContaining('(got "read")') });
    expect(parseEngagementLine('{"event":"opened","message_id":"k","at":"2026-03-10T12:00"}')).toEqual({
      error: expect.stringContaining('with a zone'),
    });
    expect(parseEngagementLine('{"event":"opened","at":1}')).toEqual({ error: '"message_id" is missing' });
  });
});

forEachDialect('engagement', (ctx) => {
  let db: Database;
  const sends = ['e1', 'e2', 'e3', 'e4'].map((id) => journeySend(id, { entry: 'eng' }));
  const mid = (i: number) => `${sends[i]!.idempotencyKey}@shop.example`;
  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    await addCustomers(
      db,
      ['e1', 'e2', 'e3', 'e4'].map((id) => ({ id })),
    );
    await enqueue(db.kysely, sends);
    await deliverDue(db, { now: T0, manifest, transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-eng-'))), workerId: 'eng' });
  });

  function log(lines: string[]): string {
    const file = join(mkdtempSync(join(tmpdir(), 'herald-log-')), 'webhooks.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }
  const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();

  it("loads events with the message's template and journey, suppresses, and loads each record once", async () => {
    const file = log([
      JSON.stringify({ event: 'delivered', message_id: `<${mid(0)}>`, at: at(1) }),
      JSON.stringify({ event: 'opened', message_id: mid(0), at: at(5) }),
      JSON.stringify({ event: 'opened', message_id: mid(0), at: at(50) }),
      JSON.stringify({ event: 'clicked', message_id: mid(0), at: at(6), url: 'https://shop.example/new' }),
      JSON.stringify({ event: 'unsubscribed', message_id: mid(1), at: at(10) }),
      JSON.stringify({ event: 'bounced', message_id: mid(2), at: at(2), bounce_type: 'soft' }),
      JSON.stringify({ event: 'bounced', message_id: mid(3), at: at(2), bounce_type: 'hard' }),
      JSON.stringify({ event: 'opened', message_id: '0123456789abcdef0123456789abcdef@elsewhere.example', at: at(3) }),
      'this is not json',
    ]);
    const result = await ingestEngagementFile(db, manifest, file, 'webhooks.jsonl');
    expect(result).toMatchObject({ loaded: 7, duplicates: 0, skipped: 2, suppressed: 2 });
    expect(result.problems.map((p) => [p.code, p.where])).toEqual([
      ['HL537', 'webhooks.jsonl:9'],
      ['HL538', 'webhooks.jsonl:8'],
    ]);
    const clicks = await db.kysely.selectFrom('events').selectAll().where('type', '=', 'email_clicked').execute();
    expect(clicks).toHaveLength(1);
    expect(clicks[0]).toMatchObject({
      customer_id: 'e1',
      template: 'welcome',
      journey: 'onboarding',
      message_id: mid(0),
      url: 'https://shop.example/new',
      source: 'engagement',
    });
    const suppressed = await suppressionsAt(db.kysely, manifest, T0 + HOUR);
    expect([...suppressed.keys()].sort()).toEqual(['e2', 'e4']);
    expect(suppressed.get('e2')!.map((s) => s.reason)).toContain('unsubscribed');
    expect(suppressed.get('e4')!.map((s) => s.reason)).toContain('bounced');

    const again = await ingestEngagementFile(db, manifest, file, 'webhooks.jsonl');
    expect(again).toMatchObject({ loaded: 0, duplicates: 7, suppressed: 0 });
  });

  it("an imported unsubscribe stops the customer's later sends; a soft bounce does not", async () => {
    const next = [journeySend('e2', { entry: 'next', dueAt: T0 + HOUR }), journeySend('e3', { entry: 'next', dueAt: T0 + HOUR })];
    await enqueue(db.kysely, next);
    await deliverDue(db, {
      now: T0 + HOUR,
      manifest,
      transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-eng-'))),
      workerId: 'eng',
    });
    const [e2, e3] = await Promise.all(next.map(async (s) => (await listDeliveries(db.kysely, { keys: [s.idempotencyKey] }))[0]!));
    expect(e2).toMatchObject({ status: 'suppressed', reason: 'suppressed' });
    expect(e3).toMatchObject({ status: 'sent' });
  });

  it('an engagement event loaded by any means suppresses too (read from the events table at send time)', async () => {
    await addCustomers(db, [{ id: 'e5' }]);
    await db.kysely
      .insertInto('events')
      .values({ id: 'manual-complaint', customer_id: 'e5', type: 'email_complained', at: T0, source: 'some_source' })
      .execute();
    const s = journeySend('e5', { entry: 'c', dueAt: T0 + HOUR });
    await enqueue(db.kysely, [s]);
    await deliverDue(db, {
      now: T0 + HOUR,
      manifest,
      transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-eng-'))),
      workerId: 'eng',
    });
    expect((await listDeliveries(db.kysely, { keys: [s.idempotencyKey] }))[0]).toMatchObject({
      status: 'suppressed',
      detail: expect.stringContaining('complained'),
    });
  });

  it('rules read engagement and sent facts like any event', async () => {
    const result = await materialize(db, manifest, T0 + 2 * HOUR);
    const members = async (segment: string) =>
      (
        await db.kysely
          .selectFrom('segment_memberships')
          .select('customer_id')
          .where('segment', '=', segment)
          .where('exited_at', 'is', null)
          .orderBy('customer_id')
          .execute()
      ).map((r) => String(r.customer_id));
    expect(result.segments.map((s) => s.segment).sort()).toEqual(['clicked_welcome', 'not_emailed_lately']);
    expect(await members('clicked_welcome')).toEqual(['e1']);
    // e1..e4 got the welcome email at T0 and e3 another at T0+1h: only e5 (never sent to) is left.
    expect(await members('not_emailed_lately')).toEqual(['e5']);
  });
});

describe('herald engagement [sqlite]', () => {
  const ctx = dialectContext('sqlite');
  it('imports a log, prints counts and problems by line, and exits 1 on invalid lines', async () => {
    const url = await ctx.freshUrl();
    const db = await prepare(openDatabase(url), manifest);
    await addCustomers(db, [{ id: 'cli1' }]);
    const s = journeySend('cli1', { entry: 'cli' });
    await enqueue(db.kysely, [s]);
    await deliverDue(db, { now: T0, manifest, transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-eng-'))), workerId: 'cli' });
    await db.close();
    const dir = mkdtempSync(join(tmpdir(), 'herald-log-'));
    writeFileSync(
      join(dir, 'hooks.jsonl'),
      `${JSON.stringify({ event: 'opened', message_id: `${s.idempotencyKey}@shop.example`, at: '2026-03-10T13:00:00Z' })}\n{"event":"opened"}\n`,
    );
    let stdout = '';
    let stderr = '';
    const sink = (append: (t: string) => void) =>
      new Writable({
        write(chunk, _e, done) {
          append(String(chunk));
          done();
        },
      });
    const code = await engagementCommand.run(['hooks.jsonl', SHOP, '--db', url], {
      stdout: sink((t) => (stdout += t)),
      stderr: sink((t) => (stderr += t)),
      cwd: dir,
      env: {},
    });
    expect(code).toBe(1);
    expect(stdout).toBe('hooks.jsonl: 1 event loaded, 0 already loaded, 1 skipped; 0 customers newly suppressed\n');
    expect(stderr).toContain('hooks.jsonl:2: error[HL537]: "message_id" is missing');
  });
});
