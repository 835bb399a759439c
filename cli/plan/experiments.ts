import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverySettingsOf } from '../../runtime/delivery/settings.ts';
import { baseRateFromDatabase, experimentsOf, planExperiment, type ExperimentPlan } from '../../runtime/insights/planning.ts';
import type { CampaignImpact, DefinitionChange, Forecast, PlanNote } from './document.ts';
import { messageOf } from '../../compiler/diagnostics/catalogue/index.ts';

/**
 * The plan's experiment planning: for each split of a journey or campaign the change adds or
 * alters, the smallest effect it can detect at 80% power for its expected audience (declared on
 * the split, else counted on the data: the campaign's reachable recipients, or the journey's
 * forecast sends of the split's templates) and base rate (declared, else the share of customers
 * who converted within the conversion window before the plan's instant), with HL397 when it
 * cannot detect the split's `minimum_effect`.
 */
export interface PlannedExperiment {
  kind: 'journey' | 'campaign';
  name: string;
  experiment: string;
  audience: number;
  audience_from: 'declared' | 'data';
  base_rate: number;
  base_rate_from: 'declared' | 'data';
  comparisons: number;
  power: number;
  minimum_detectable_effect: number | null;
  minimum_effect: number | null;
  detectable: boolean;
}

export async function planExperiments(o: {
  head: Manifest;
  headDir: string;
  changes: readonly DefinitionChange[];
  campaigns: readonly CampaignImpact[];
  forecast: Forecast | null;
  db?: Database;
  asOf: number;
}): Promise<{ experiments: PlannedExperiment[]; notes: PlanNote[] }> {
  const changed = new Set(
    o.changes.filter((c) => c.change === 'added' || c.change === 'changed' || c.change === 'renamed').map((c) => `${c.kind}/${c.name}`),
  );
  const specs = experimentsOf(o.head).filter((s) => changed.has(`${s.kind === 'journey' ? 'Journey' : 'Campaign'}/${s.name}`));
  const experiments: PlannedExperiment[] = [];
  const notes: PlanNote[] = [];
  if (specs.length === 0) return { experiments, notes };
  const report = deliverySettingsOf(o.head, o.headDir).report;
  const measured = o.db
    ? await baseRateFromDatabase(o.db.kysely, report.conversionEvent, report.conversionWindowMs, o.asOf).catch(() => undefined)
    : undefined;
  for (const spec of specs) {
    const audience =
      spec.expectedAudience !== undefined
        ? { value: spec.expectedAudience, from: 'declared' as const }
        : audienceFromData(spec, o.campaigns, o.forecast);
    const rate =
      spec.baseRate !== undefined
        ? { value: spec.baseRate, from: 'declared' as const }
        : measured !== undefined && measured > 0
          ? { value: measured, from: 'data' as const }
          : undefined;
    if (!audience || !rate) {
      notes.push({
        code: 'HL397',
        severity: 'info',
        message: messageOf('HL397', {
          experiment: spec.experiment,
          definition: `${spec.kind} ${spec.name}`,
          missing: !audience ? 'audience' : 'base rate',
        }),
      });
      continue;
    }
    const p = planExperiment(spec, audience, rate);
    experiments.push(documentOf(p));
    if (!p.detectable) {
      notes.push({
        code: 'HL397',
        severity: 'warning',
        message: messageOf('HL397', {
          experiment: p.experiment,
          definition: `${p.kind} ${p.name}`,
          detectable: p.minimumDetectableEffect,
          audience: p.audience,
          baseRate: p.baseRate,
          minimumEffect: p.minimumEffect!,
        }),
      });
    }
  }
  return { experiments, notes };
}

function audienceFromData(
  spec: ReturnType<typeof experimentsOf>[number],
  campaigns: readonly CampaignImpact[],
  forecast: Forecast | null,
): { value: number; from: 'data' } | undefined {
  if (spec.kind === 'campaign') {
    const n = campaigns.find((c) => c.name === spec.name)?.recipients.after;
    return n ? { value: n, from: 'data' } : undefined;
  }
  if (!forecast) return undefined;
  // Sends of the variants' templates cover the variants' share; scale up to the whole split.
  const templates = new Set(Object.values(spec.templates));
  const sends = forecast.by_template.filter((t) => templates.has(t.template)).reduce((s, t) => s + t.sends, 0);
  const share = Object.values(spec.variants).reduce((a, b) => a + b, 0) / 100;
  return sends > 0 && share > 0 ? { value: sends / share, from: 'data' } : undefined;
}

function documentOf(p: ExperimentPlan): PlannedExperiment {
  return {
    kind: p.kind,
    name: p.name,
    experiment: p.experiment,
    audience: p.audience,
    audience_from: p.audienceFrom,
    base_rate: p.baseRate,
    base_rate_from: p.baseRateFrom,
    comparisons: p.comparisons,
    power: p.power,
    minimum_detectable_effect: Number.isFinite(p.minimumDetectableEffect) ? p.minimumDetectableEffect : null,
    minimum_effect: p.minimumEffect ?? null,
    detectable: p.detectable,
  };
}
