import type { Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledCampaign, CompiledJourney, SplitPlanning } from '../../compiler/contract/journey.ts';
import { minimumDetectableEffect, POWER } from './stats.ts';

/**
 * Experiment planning for `herald plan` and `herald test`: how small an effect a split can detect
 * at 80% power and a two-sided 5% level, for the audience it is expected to see and the base
 * conversion rate, and whether that is small enough for the effect the team says it wants
 * (`split.minimum_effect`). The smallest detectable effect is that of the split's least powered
 * comparison (each variant against the holdout, or the variants pairwise when there is none),
 * Bonferroni-corrected when more than two variants are compared.
 */
export interface ExperimentSpec {
  kind: 'journey' | 'campaign';
  /** The journey or campaign. */
  name: string;
  experiment: string;
  variants: Record<string, number>;
  holdout: number;
  minimumEffect?: number;
  expectedAudience?: number;
  baseRate?: number;
  /** Where the split is in its document, for diagnostics. */
  path: string[];
  /** The journey's send steps' templates after each variant (journeys only; for the forecast). */
  templates: Record<string, string>;
}

export interface ExperimentPlan {
  kind: 'journey' | 'campaign';
  name: string;
  experiment: string;
  audience: number;
  /** Where the audience came from: the split's `expected_audience`, or the data. */
  audienceFrom: 'declared' | 'data';
  baseRate: number;
  baseRateFrom: 'declared' | 'data';
  comparisons: number;
  power: number;
  /** The smallest absolute change of the conversion rate the split detects (its least powered comparison). */
  minimumDetectableEffect: number;
  minimumEffect?: number;
  /** False when `minimum_effect` is set and smaller than what the split can detect. */
  detectable: boolean;
}

/** Every split of the workspace's journeys and campaigns, from their compiled blocks. */
export function experimentsOf(manifest: Manifest): ExperimentSpec[] {
  const out: ExperimentSpec[] = [];
  for (const def of Object.values(manifest.definitions)) {
    if (def.kind === 'Campaign') {
      const campaign = def.compiled as CompiledCampaign | undefined;
      if (!campaign?.experiment) continue;
      const templates = Object.fromEntries(campaign.variants.map((v) => [v.name, v.template]));
      out.push(specOf(campaign, 'campaign', def.name, ['spec', 'split'], templates));
    }
    if (def.kind === 'Journey') {
      const journey = def.compiled as CompiledJourney | undefined;
      for (const [name, step] of Object.entries(journey?.steps ?? {})) {
        if (step.kind !== 'split') continue;
        const templates: Record<string, string> = {};
        for (const v of step.variants) {
          const target = journey!.steps[v.next];
          if (target?.kind === 'send') templates[v.name] = target.template;
        }
        out.push(specOf(step, 'journey', def.name, ['spec', 'steps', name, 'split'], templates));
      }
    }
  }
  return out.sort((a, b) => (`${a.kind}/${a.name}/${a.experiment}` < `${b.kind}/${b.name}/${b.experiment}` ? -1 : 1));
}

function specOf(
  split: { experiment?: string; variants: Array<{ name: string; weight: number }>; holdout: number; planning?: SplitPlanning },
  kind: ExperimentSpec['kind'],
  name: string,
  path: string[],
  templates: Record<string, string>,
): ExperimentSpec {
  const variants = Object.fromEntries(split.variants.map((v) => [v.name, v.weight]));
  return { kind, name, experiment: split.experiment ?? '', variants, holdout: split.holdout, path, templates, ...split.planning };
}

export function planExperiment(
  spec: ExperimentSpec,
  audience: { value: number; from: 'declared' | 'data' },
  baseRate: { value: number; from: 'declared' | 'data' },
): ExperimentPlan {
  const arms = Object.values(spec.variants).map((w) => (audience.value * w) / 100);
  const holdout = (audience.value * spec.holdout) / 100;
  const pairs: Array<[number, number]> = [];
  if (spec.holdout > 0) for (const n of arms) pairs.push([n, holdout]);
  else for (let i = 0; i < arms.length; i++) for (let j = i + 1; j < arms.length; j++) pairs.push([arms[i]!, arms[j]!]);
  const comparisons = arms.length > 2 ? pairs.length : 1;
  const mde =
    pairs.length === 0
      ? Infinity
      : Math.max(...pairs.map(([a, b]) => minimumDetectableEffect(baseRate.value, a, b, { alpha: 0.05, comparisons })));
  return {
    kind: spec.kind,
    name: spec.name,
    experiment: spec.experiment,
    audience: Math.round(audience.value),
    audienceFrom: audience.from,
    baseRate: baseRate.value,
    baseRateFrom: baseRate.from,
    comparisons,
    power: POWER,
    minimumDetectableEffect: mde,
    ...(spec.minimumEffect !== undefined ? { minimumEffect: spec.minimumEffect } : {}),
    detectable: spec.minimumEffect === undefined || mde <= spec.minimumEffect,
  };
}

/** One line for a person: "cart_offer_test (journey cart_recovery): detects ±2.9 pts at 80% power …". */
export function planLine(p: ExperimentPlan): string {
  const mde = Number.isFinite(p.minimumDetectableEffect)
    ? `${(p.minimumDetectableEffect * 100).toFixed(1)} pts`
    : 'nothing (an arm is empty)';
  const want =
    p.minimumEffect !== undefined
      ? `; wants ${(p.minimumEffect * 100).toFixed(1)} pts: ${p.detectable ? 'detectable' : 'NOT detectable'}`
      : '';
  return `${p.experiment} (${p.kind} ${p.name}): smallest detectable effect ${mde} at 80% power for ${p.audience.toLocaleString('en-GB')} customers (${p.audienceFrom}) at a base rate of ${(p.baseRate * 100).toFixed(1)}% (${p.baseRateFrom})${p.comparisons > 1 ? `, Bonferroni over ${p.comparisons} comparisons` : ''}${want}`;
}

/**
 * The base rate from the data: the share of customers with a conversion event in the window
 * before `asOf` (what a holdout would be expected to do).
 */
export async function baseRateFromDatabase(db: Executor, event: string, windowMs: number, asOf: number): Promise<number | undefined> {
  const customers = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  const n = Number(customers?.n ?? 0);
  if (n === 0) return undefined;
  const converted = await db
    .selectFrom('events')
    .select((eb) => eb.fn.count('customer_id').distinct().as('n'))
    .where('type', '=', event)
    .where('at', '>=', asOf - windowMs)
    .where('at', '<=', asOf)
    .executeTakeFirst();
  return Number(converted?.n ?? 0) / n;
}
