import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachDialect } from '../support/postgres.ts';
import type { Database } from '../../runtime/db/database.ts';
import { simulate } from '../../runtime/journeys/index.ts';
import { forecastLines } from '../../cli/pipeline/steps/journeys.ts';
import { compileOrThrow, fixtureWorkspace } from './support.ts';
import { at, outbox, prepare, run, type Given } from './run-support.ts';
import { cartJourneyYaml } from './cart-journey.ts';

const JOURNEY = `${cartJourneyYaml({ timeout: '24h' })}
---
apiVersion: herald/v1
kind: Campaign
metadata: { name: news }
spec: { audience: buyers, template: welcome, send_at: "2026-01-08T09:00" }
`;
const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': JOURNEY }));
const customers = Array.from({ length: 12 }, (_, i) => ({ id: `m${i}`, email: `m${i}@example.test`, email_consent: i !== 5 }));
const events = customers.flatMap((c, i): Given['events'] => [
  { customer: c.id, type: 'purchase', at: at('2026-01-02T10:00Z') + i * 60_000, properties: { item_id: 'A', amount: 5 } },
  { customer: c.id, type: 'added_to_cart', at: at('2026-01-05T10:00Z') + i * 7_200_000, properties: { item_id: 'A', price: 5 } },
]);

/** Row counts of every table a run writes. */
async function footprint(db: Database) {
  const tables = [
    'journey_entries',
    'journey_history',
    'journey_wakes',
    'journey_cursors',
    'journey_run_clock',
    'journey_versions',
    'campaign_launches',
    'delivery_outbox',
    'segment_memberships',
    'segment_runs',
    'customers',
    'events',
  ];
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db.kysely)).rows[0]!.n);
  return out;
}

forEachDialect('simulate', (ctx) => {
  it('forecasts exactly what a run would send, and leaves no trace in the database', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers, events });
    const before = await footprint(db);
    const forecast = await simulate(db, manifest, { from: at('2026-01-04T00:00Z'), until: at('2026-01-10T00:00Z') });
    expect(await footprint(db)).toEqual(before);

    const real = await ctx.fresh();
    await prepare(real, manifest, { customers, events });
    await run(real, manifest, { from: at('2026-01-04T00:00Z'), until: at('2026-01-10T00:00Z') });
    const rows = await outbox(real);
    const sent = rows.filter((r) => r.status === 'sent');
    expect(forecast.sent).toBe(sent.length);
    expect(forecast.byTemplate).toEqual(countBy(sent.map((r) => r.template)));
    expect(forecast.byOrigin).toEqual({
      'journey:cart': sent.filter((r) => r.template !== 'welcome').length,
      'campaign:news': sent.filter((r) => r.template === 'welcome').length,
    });
    expect(forecast.suppressed).toEqual(countBy(rows.filter((r) => r.status === 'suppressed').map((r) => r.reason!)));
    expect(forecast.suppressed.no_consent).toBeGreaterThan(0);
    expect(Object.values(forecast.byDay).reduce((a, b) => a + b, 0)).toBe(sent.length);
    expect(Object.keys(forecast.byDay).sort()[0]).toBe('2026-01-05');
    expect(forecast.byOriginTemplate['campaign:news']).toEqual({ welcome: 11 });
    // The counts are prototype-free tables; the printed forecast sorts and shows them all.
    const text = forecastLines(forecast).join('\n');
    expect(text).toMatch(/campaign news\s+welcome\s+11/);
    expect(text).toMatch(/suppressed: no_consent/);
  });
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
