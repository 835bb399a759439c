import { expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { bucketOf } from '../../runtime/journeys/index.ts';
import { compileOrThrow, fixtureWorkspace } from './support.ts';
import { at, outbox, prepare, run } from './run-support.ts';

const CAMPAIGN = `
apiVersion: herald/v1
kind: Campaign
metadata: { name: launch }
spec:
  audience: buyers
  split: { name: launch_test, variants: { a: 50, b: 40 }, holdout: 10 }
  templates: { a: welcome, b: offer }
  send_at: "2026-02-03T10:00 local"
  throttle: { per_hour: 100 }
---
apiVersion: herald/v1
kind: Journey
metadata: { name: daily_digest }
spec:
  entry: { schedule: { starting: "2026-02-01T08:00", every: 1d, ending: "2026-02-03T08:00" }, audience: buyers, reentry: always }
  steps:
    send: { send: welcome, next: mark }
    mark: { update: { stage: '"digested"' }, next: exit }
---
apiVersion: herald/v1
kind: Journey
metadata: { name: new_buyer }
spec:
  entry: { segment: buyers }
  steps:
    hello: { send: offer, next: exit }
`;
const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': CAMPAIGN }));
const zones = ['Europe/London', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati'];
const customers = Array.from({ length: 24 }, (_, i) => ({
  id: `b${i}`,
  email: `b${i}@example.test`,
  email_consent: true,
  timezone: zones[i % zones.length]!,
}));
const purchases = customers.map((c, i) => ({
  customer: c.id,
  type: 'purchase',
  at: at('2026-01-20T12:00Z') + i * 3_600_000,
  properties: { item_id: 'A1', amount: 10 },
}));

forEachDialect('campaigns, schedules and segment entries', (ctx) => {
  it('launch a campaign once: each recipient at their local send time, one variant or the holdout', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers, events: purchases });
    const { summary } = await run(db, manifest, {
      from: at('2026-01-25T00:00Z'),
      until: at('2026-02-05T00:00Z'),
      only: { journeys: [], campaigns: ['launch'] },
    });
    expect(summary.campaigns).toEqual([{ name: 'launch', status: 'launched', at: at('2026-02-02T20:00Z'), recipients: 24 }]);
    const rows = (await outbox(db)).filter((r) => r.key);
    expect(rows).toHaveLength(24);
    for (const c of customers) {
      const row = rows.find((r) => r.customer === c.id)!;
      const b = bucketOf('launch_test', c.id);
      const variant = b < 50 ? 'a' : b < 90 ? 'b' : 'holdout';
      expect(row.variant).toBe(variant);
      if (variant === 'holdout') expect(row).toMatchObject({ status: 'suppressed', reason: 'holdout' });
      else expect(row).toMatchObject({ status: 'sent', template: variant === 'a' ? 'welcome' : 'offer' });
      const local = {
        'Europe/London': '2026-02-03T10:00Z',
        'Asia/Tokyo': '2026-02-03T01:00Z',
        'America/Los_Angeles': '2026-02-03T18:00Z',
        'Pacific/Kiritimati': '2026-02-02T20:00Z',
      }[c.timezone]!;
      expect(row.dueAt).toBe(at(local));
    }
    const limits = await db.kysely.selectFrom('delivery_outbox').select('per_hour_limit').where('status', '=', 'sent').distinct().execute();
    expect(limits.map((l) => Number(l.per_hour_limit))).toEqual([100]);
    // Running on, or changing the campaign, does not launch it again.
    const changed = compileOrThrow(
      fixtureWorkspace({ 'journeys.yaml': CAMPAIGN.replace('throttle: { per_hour: 100 }', 'throttle: { per_hour: 50 }') }),
    );
    const again = await run(db, changed, { until: at('2026-02-10T00:00Z'), only: { journeys: [], campaigns: ['launch'] } });
    expect(again.summary.campaigns).toEqual([]);
    expect(again.transport.messages.size).toBe(0);
  });

  it('record a campaign whose time had passed before the run clock reached it as missed (HL515)', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers, events: purchases });
    const { summary } = await run(db, manifest, {
      from: at('2026-02-04T00:00Z'),
      until: at('2026-02-05T00:00Z'),
      only: { journeys: [], campaigns: ['launch'] },
    });
    expect(summary.campaigns).toEqual([{ name: 'launch', status: 'missed', at: at('2026-02-02T20:00Z'), recipients: 0 }]);
    expect(summary.problems).toEqual([
      {
        code: 'HL515',
        severity: 'warning',
        campaign: 'launch',
        message:
          "campaign launch was due at 2026-02-02T20:00:00.000Z, before this database's run clock reached it; it was not sent (rename it to send it now)",
      },
    ]);
    expect(await outbox(db)).toEqual([]);
  });

  it('enter the audience at each schedule occurrence, and write update steps to the customer', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers: customers.slice(0, 3), events: purchases.slice(0, 3) });
    await run(db, manifest, {
      from: at('2026-01-31T00:00Z'),
      until: at('2026-02-05T00:00Z'),
      only: { journeys: ['daily_digest'], campaigns: [] },
    });
    const rows = await outbox(db);
    // 1, 2 and 3 February at 08:00 London (GMT), three customers each.
    expect(rows.map((r) => r.dueAt).sort()).toEqual([
      ...Array(3).fill(at('2026-02-01T08:00Z')),
      ...Array(3).fill(at('2026-02-02T08:00Z')),
      ...Array(3).fill(at('2026-02-03T08:00Z')),
    ]);
    const stages = await db.kysely.selectFrom('customers').select(['id', 'stage']).orderBy('id').execute();
    expect(stages.map((s) => s.stage)).toEqual(['digested', 'digested', 'digested']);
  });

  it('start a segment-entry journey when the materialization first finds a customer a member', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers: customers.slice(0, 2), events: [{ ...purchases[0]!, at: at('2026-01-22T15:00Z') }] });
    await run(db, manifest, {
      from: at('2026-01-20T00:00Z'),
      until: at('2026-01-25T00:00Z'),
      only: { journeys: ['new_buyer'], campaigns: [] },
    });
    const rows = await outbox(db);
    // Materialized daily at midnight UTC: b0 is a buyer from the 23 January refresh on.
    expect(rows.map((r) => [r.customer, r.dueAt])).toEqual([['b0', at('2026-01-23T00:00Z')]]);
  });
});
