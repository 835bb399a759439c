import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, FileTransport, removeSuppression } from '../../runtime/delivery/index.ts';
import { resubscribeAll, setTopics, unsubscribeAll } from '../../runtime/recipient/record.ts';
import type { SentMessage } from '../../runtime/recipient/messages.ts';
import { LinkSigner } from '../../runtime/recipient/tokens.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { explainCustomer } from '../../runtime/segments/explain.ts';
import { parseRule } from '../../compiler/dsl/parse.ts';
import { compileRule as compileJourneyRule } from '../../compiler/3-analyze/journeys/rules.ts';
import type { CheckedRule } from '../../compiler/3-analyze/rules/facts.ts';
import { loadCustomers } from '../../runtime/journeys/customers.ts';
import { earliestRead, ruleNeeds } from '../../runtime/journeys/needs.ts';
import { JourneyRules } from '../../runtime/journeys/rules.ts';
import { addCustomers, compileShop, journeySend, MINUTE, prepare, T0 } from '../delivery/helpers.ts';

/**
 * `subscribed("newsletter")` means what the delivery gates do: for customers who left the topic,
 * left all email (one-click, an imported unsubscribe event), re-subscribed, or left another way,
 * the segment SQL (materialized), the evaluator (`herald explain`) and the gates (a queued
 * newsletter sent or suppressed) agree, customer by customer.
 */
const SHOP = 'test/recipient/fixtures/shop';
const SECOND = 1000;
let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop(SHOP);
});

forEachDialect('subscribed() agrees with the delivery gates', (ctx) => {
  let db: Database;
  let dir: string;
  const message = (customerId: string): SentMessage => ({
    key: `k${customerId}`,
    messageId: `m.${customerId}@shop.example`,
    customerId,
    template: 'newsletter',
    origin: 'news',
    originKind: 'journey',
    variant: null,
    sentAt: T0 - MINUTE,
  });
  const importedUnsubscribe = (customerId: string, at: number, topic: string | null) =>
    db.kysely
      .insertInto('events')
      .values({ id: `imported-${customerId}`, customer_id: customerId, type: 'email_unsubscribed', at, source: 'provider', topic })
      .execute();
  const TOPICS = ['newsletter', 'offers'];
  const expected = {
    left_topic: false,
    left_all: false,
    resubscribed: true,
    imported_all: false,
    imported_then_lifted: true,
    nothing: true,
    left_and_rejoined: true,
    imported_topic_only: true,
    left_other_topic: true,
  };
  const ids = Object.keys(expected);

  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    await addCustomers(
      db,
      ids.map((id) => ({ id })),
    );
    await setTopics(db, manifest, message('left_topic'), new Set(['offers']), TOPICS, T0);
    await unsubscribeAll(db, manifest, message('left_all'), T0);
    await unsubscribeAll(db, manifest, message('resubscribed'), T0);
    await resubscribeAll(db, manifest, message('resubscribed'), T0 + SECOND);
    await importedUnsubscribe('imported_all', T0, null);
    await importedUnsubscribe('imported_then_lifted', T0, null);
    await removeSuppression(db.kysely, 'imported_then_lifted', T0 + SECOND);
    await setTopics(db, manifest, message('left_and_rejoined'), new Set(['offers']), TOPICS, T0);
    await setTopics(db, manifest, message('left_and_rejoined'), new Set(TOPICS), TOPICS, T0 + SECOND);
    // A provider's unsubscribe from one topic is history only: the gates read the opt-out rows.
    await importedUnsubscribe('imported_topic_only', T0, 'newsletter');
    await setTopics(db, manifest, message('left_other_topic'), new Set(['newsletter']), TOPICS, T0);
    dir = mkdtempSync(join(tmpdir(), 'herald-subscribed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('segment SQL, evaluator and gates give the same answer for every way of leaving', async () => {
    const now = T0 + MINUTE;
    await materialize(db, manifest, now);
    const stored = new Set(
      (
        await db.kysely
          .selectFrom('segment_memberships')
          .select('customer_id')
          .where('segment', '=', 'newsletter_readers')
          .where('exited_at', 'is', null)
          .execute()
      ).map((r) => String(r.customer_id)),
    );

    const sends = ids.map((id) => journeySend(id, { template: 'newsletter', name: 'news', step: 'issue', dueAt: now }));
    await enqueue(db.kysely, sends);
    await deliverDue(db, {
      now,
      manifest,
      transport: new FileTransport(dir),
      workerId: 'w',
      signer: new LinkSigner({ keys: [Buffer.from('s'.repeat(40))], throwaway: false }),
    });
    const outcomes = new Map(
      (await db.kysely.selectFrom('delivery_outbox').select(['customer_id', 'status']).execute()).map((r) => [
        String(r.customer_id),
        String(r.status),
      ]),
    );

    for (const id of ids) {
      const explained = await explainCustomer(db, manifest, id, { asOf: now, segments: ['newsletter_readers'] });
      const verdicts = { sql: stored.has(id), evaluator: explained.segments[0]!.member, gates: outcomes.get(id) === 'sent' };
      const want = expected[id as keyof typeof expected];
      expect(verdicts, id).toEqual({ sql: want, evaluator: want, gates: want });
    }
  });

  it('journey and campaign conditions: the compiled rule asks for the rows and unsubscribe events, and holds as the gates do', async () => {
    const now = T0 + MINUTE;
    const parsed = parseRule('subscribed("newsletter")');
    if (!parsed.ok) throw new Error('does not parse');
    const compiled = compileJourneyRule({ ast: parsed.ast, uses: [] } as unknown as CheckedRule);
    expect(compiled).toMatchObject({ events: ['email_unsubscribed'], lookbackMs: null, subscriptions: true });
    const needs = ruleNeeds(compiled);
    const customers = await loadCustomers(db.kysely, manifest, ids, needs, now, earliestRead(needs, now));
    const rules = new JourneyRules(manifest);
    for (const id of ids) expect(rules.holds(compiled, customers.get(id)!, now), id).toBe(expected[id as keyof typeof expected]);
  });

  it('reads the rows as of the instant: before anyone left, everyone is subscribed', async () => {
    for (const id of ['left_topic', 'left_all', 'imported_all']) {
      expect(
        (await explainCustomer(db, manifest, id, { asOf: T0 - SECOND, segments: ['newsletter_readers'] })).segments[0]!.member,
        id,
      ).toBe(true);
    }
  });
});
