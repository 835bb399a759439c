import type { Database } from '../../db/database.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { ingestEngagement, type EngagementRecord } from '../../delivery/engagement.ts';
import { groupBy } from '../data.ts';
import { loadInsightData } from '../load.ts';
import { simulateRecipients, trueEffect, type SimulationSettings, type VariantEffect } from './recipients.ts';
import { own } from '../../../compiler/contract/core/own.ts';
import { inGlobalControl } from '../control-group.ts';

/**
 * `herald simulate-engagement`: the recipient simulator on a real database. It reads the outbox
 * (what `herald run` sent and held back), simulates opens, clicks and purchases, and stores them
 * the way real ones arrive: opens and clicks through the engagement import (events naming the
 * Message-ID), purchases as conversion events with the revenue property. Event ids derive from
 * the seed and the message, so running it again with the same seed adds nothing. It returns the
 * truth the report should find: each variant's effect over its experiment's customers.
 */
export interface DatabaseSimulation {
  seed: number;
  conversionEvent: string;
  revenueProperty?: string;
  windowMs: number;
  /** By variant; variants not named get `defaultEffect`. */
  effects: Record<string, VariantEffect>;
  defaultEffect: VariantEffect;
  globalControl?: number;
}

export interface SimulationSummary {
  messages: number;
  opened: number;
  clicked: number;
  purchases: number;
  revenue: number;
  loaded: number;
  truth: Array<{
    scope: string;
    variant: string;
    uplift: number;
    revenue_effect: number;
    true_conversion_uplift: number;
    true_revenue_per_recipient: number;
  }>;
}

const HOLDOUT_VARIANTS = new Set(['holdout']);

export async function simulateIntoDatabase(db: Database, manifest: Manifest, o: DatabaseSimulation): Promise<SimulationSummary> {
  if (!own(manifest.dataModel.events, o.conversionEvent))
    throw new Error(`the conversion event "${o.conversionEvent}" is not declared under events in herald.yaml`);
  const data = await loadInsightData(db.kysely, manifest, { conversionEvent: o.conversionEvent });
  const variants = new Set(data.touches.map((t) => t.variant).filter((v) => !HOLDOUT_VARIANTS.has(v)));
  const effects: Record<string, VariantEffect> = Object.create(null);
  for (const v of variants) effects[v] = o.effects[v] ?? o.defaultEffect;
  const settings: SimulationSettings = { seed: o.seed, windowMs: o.windowMs, effects, historyRate: 0 };
  const sim = simulateRecipients(data.touches, settings);

  const records: Array<{ record: EngagementRecord }> = [];
  for (const [key, e] of sim.engagement) {
    if (e.opened !== undefined) records.push({ record: { event: 'opened', messageId: key, at: Math.round(e.opened) } });
    if (e.clicked !== undefined)
      records.push({ record: { event: 'clicked', messageId: key, at: Math.round(e.clicked), url: 'https://simulated.invalid/click' } });
  }
  const engagement = await ingestEngagement(db, manifest, records);
  const declared = own(manifest.dataModel.events, o.conversionEvent)!;
  const rows = sim.purchases.map((p) => {
    const row: Record<string, unknown> = {
      id: `simulated:${p.id}`,
      customer_id: p.customerId,
      type: o.conversionEvent,
      at: p.at,
      source: 'simulate-engagement',
    };
    if (o.revenueProperty && own(declared, o.revenueProperty)) row[o.revenueProperty] = p.revenue;
    return row;
  });
  let loaded = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const result = await db.kysely
      .insertInto('events')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    loaded += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }

  const truth: SimulationSummary['truth'] = [];
  const scopes = groupBy(
    data.touches.filter((t) => t.experiment !== undefined && !inGlobalControl(t.customerId, o.globalControl)),
    (t) => `${t.originKind} ${t.originName} ${t.experiment}`,
  );
  for (const [scope, touches] of [...scopes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const customers = [...new Set(touches.map((t) => t.customerId))];
    for (const v of [...new Set(touches.map((t) => t.variant))].filter((x) => !HOLDOUT_VARIANTS.has(x)).sort()) {
      const e = effects[v]!;
      const t = trueEffect(customers, e);
      truth.push({
        scope,
        variant: v,
        uplift: e.uplift,
        revenue_effect: e.revenueEffect,
        true_conversion_uplift: t.conversion,
        true_revenue_per_recipient: t.revenuePerRecipient,
      });
    }
  }
  let opened = 0;
  let clicked = 0;
  for (const e of sim.engagement.values()) {
    if (e.opened !== undefined) opened++;
    if (e.clicked !== undefined) clicked++;
  }
  return {
    messages: data.touches.filter((t) => t.sent).length,
    opened,
    clicked,
    purchases: sim.purchases.length,
    revenue: sim.purchases.reduce((s, p) => s + p.revenue, 0),
    loaded: loaded + engagement.loaded,
    truth,
  };
}
