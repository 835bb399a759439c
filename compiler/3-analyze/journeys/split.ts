/** Checks shared by journey and campaign splits: weights add up to 100, every variant has one target. */
import type { AnalyzeContext, DocPath } from '../context.ts';
import type { Definition } from '../../1-load/definition.ts';
import { didYouMean, reportAt } from './report.ts';
import type { SplitPlanning } from '../../contract/journey.ts';

/** A split as written, in a journey step or a campaign (the schema has checked the shapes). */
export interface WrittenSplit {
  name: string;
  variants: Record<string, number>;
  holdout?: number;
  minimum_effect?: number;
  expected_audience?: number;
  base_rate?: number;
}

/** HL366 at the split when variants + holdout are not 100 (within rounding of decimals). */
export function checkSplitWeights(
  ctx: AnalyzeContext,
  def: Definition,
  variants: Record<string, number>,
  holdout: number,
  at: DocPath,
): boolean {
  const total = Object.values(variants).reduce((a, b) => a + b, 0) + holdout;
  if (Math.abs(total - 100) < 1e-9) return true;
  const parts = [...Object.entries(variants).map(([v, w]) => `${v} ${w}`), ...(holdout ? [`holdout ${holdout}`] : [])];
  reportAt(ctx, def, 'HL366', { round: round(total), parts: parts.join(' + ') }, [...at, 'variants'], {
    help:
      total < 100
        ? `give the missing ${round(100 - total)} to a variant or to \`holdout\``
        : `take ${round(total - 100)} off a variant or the holdout`,
  });
  return false;
}

/**
 * HL367 for every variant without a target (at the map) and every target that is no variant (at
 * its key). `what` names the targets in messages ("step", "template").
 */
export function checkVariantTargets(
  ctx: AnalyzeContext,
  def: Definition,
  variants: readonly string[],
  targets: Record<string, string>,
  at: DocPath,
  what: string,
): boolean {
  let ok = true;
  for (const v of variants) {
    if (targets[v] !== undefined) continue;
    ok = false;
    reportAt(ctx, def, 'HL367', { form: 'variant-has', v, what }, at, { help: `add \`${v}: <${what}>\`` });
  }
  for (const key of Object.keys(targets)) {
    if (variants.includes(key)) continue;
    ok = false;
    reportAt(ctx, def, 'HL367', key === 'holdout' ? { form: 'holdout-target', what } : { form: 'not-a-variant', key }, [...at, key], {
      key: true,
      help: key === 'holdout' ? `remove \`holdout\` here` : (didYouMean(key, variants) ?? `the variants are ${variants.join(', ')}`),
    });
  }
  return ok;
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** A split's planning figures as written (`minimum_effect`, `expected_audience`, `base_rate`); none when it has none. */
export function splitPlanning(split: {
  minimum_effect?: number;
  expected_audience?: number;
  base_rate?: number;
}): SplitPlanning | undefined {
  const planning: SplitPlanning = {};
  if (split.minimum_effect !== undefined) planning.minimumEffect = split.minimum_effect;
  if (split.expected_audience !== undefined) planning.expectedAudience = split.expected_audience;
  if (split.base_rate !== undefined) planning.baseRate = split.base_rate;
  return Object.keys(planning).length > 0 ? planning : undefined;
}
