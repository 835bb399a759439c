import { diagnostic } from '../../compiler/diagnostics/make.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { experimentsOf, planExperiment, type ExperimentPlan, type ExperimentSpec } from '../../runtime/insights/planning.ts';

/**
 * Experiment planning where there is no data (`herald test`): every split that states a
 * `minimum_effect` is planned from its declared `expected_audience` and `base_rate`, and HL397 is
 * reported at the split when it cannot detect that effect. A split without them gets a note
 * saying what to declare.
 */
export function declaredExperimentPlans(
  manifest: Manifest,
  locate: (spec: ExperimentSpec, key: string) => Pick<Diagnostic, 'file' | 'range'>,
): { plans: ExperimentPlan[]; missing: string[]; diagnostics: Diagnostic[] } {
  const plans: ExperimentPlan[] = [];
  const missing: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const spec of experimentsOf(manifest)) {
    if (spec.minimumEffect === undefined) continue;
    if (spec.expectedAudience === undefined || spec.baseRate === undefined) {
      missing.push(
        `${spec.experiment} (${spec.kind} ${spec.name}): minimum_effect is set, but planning it without data needs expected_audience and base_rate on the split`,
      );
      continue;
    }
    const plan = planExperiment(spec, { value: spec.expectedAudience, from: 'declared' }, { value: spec.baseRate, from: 'declared' });
    plans.push(plan);
    const undetectable = underpowered(plan, locate(spec, 'minimum_effect'));
    if (undetectable) diagnostics.push(undetectable);
  }
  return { plans, missing, diagnostics };
}

/** HL397 when the plan cannot detect the effect the split asks for. */
export function underpowered(plan: ExperimentPlan, at: Pick<Diagnostic, 'file' | 'range'>): Diagnostic | undefined {
  if (plan.detectable || plan.minimumEffect === undefined) return undefined;
  return diagnostic(
    'HL397',
    {
      experiment: plan.experiment,
      detectable: plan.minimumDetectableEffect,
      audience: plan.audience,
      baseRate: plan.baseRate,
      minimumEffect: plan.minimumEffect,
    },
    {
      ...at,
      help:
        plan.comparisons > 1
          ? `with ${plan.comparisons} comparisons corrected for, fewer variants or a larger audience help most`
          : 'a larger audience (a longer test), a larger holdout, or a larger minimum_effect',
    },
  );
}
