import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import { fmt, PRIMARY_METRIC } from '../../runtime/models/bar.ts';
import type { ModelStore, ModelVersion } from '../../runtime/models/store/types.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { ChangeKind, DefinitionChange, ModelImpact, ModelVersionSummary } from './document.ts';

export interface PlannedModel {
  name: string;
  change: ChangeKind | 'unchanged';
  /** The head's training job (absent for a removed model). */
  job?: ModelJobSpec;
}

/**
 * Each model's active version beside the newest stored version trained for the head's spec (by
 * `herald train` on the branch, or in CI before the plan), compared on the model type's primary
 * metric (AUC for propensity, RMSE for regression…). Unchanged models appear only when such a
 * candidate exists, since that is the version the next `herald train` run would weigh.
 */
export async function modelImpacts(store: ModelStore, models: readonly PlannedModel[]): Promise<ModelImpact[]> {
  const out: ModelImpact[] = [];
  for (const m of models) {
    const active = (await store.active(m.name)) ?? null;
    if (!m.job) {
      out.push({
        name: m.name,
        change: m.change,
        active: active && summary(active, metricOf(active)),
        candidate: null,
        worse: null,
        note: 'removed: its stored versions and scores stay in the database',
      });
      continue;
    }
    const { metric, higherIsBetter } = PRIMARY_METRIC[m.job.type];
    const versions = await store.versions(m.name);
    const newest = versions.filter((v) => v.specHash === m.job!.hash).sort((a, b) => b.version - a.version)[0];
    const candidate = newest && newest.version !== active?.version ? newest : undefined;
    if (!candidate && m.change === 'unchanged') continue;
    const impact: ModelImpact = {
      name: m.name,
      change: m.change,
      active: active && summary(active, metric),
      candidate: candidate ? summary(candidate, metric) : null,
      worse: null,
      note: '',
    };
    const a = impact.active?.value;
    const c = impact.candidate?.value;
    if (!candidate) {
      impact.note = newest
        ? `v${newest.version}, trained for this spec, is the active version`
        : 'no version trained for this spec yet: run `herald train` to measure it before it is used';
    } else if (a === null || a === undefined || c === null || c === undefined) {
      impact.note = active
        ? `${metric} could not be compared`
        : `no active version to compare with; v${candidate.version} ${candidate.passed ? 'passed' : 'did not pass'} its bar`;
    } else {
      impact.worse = higherIsBetter ? c < a : c > a;
      impact.note = `${metric} ${fmt(c)} (v${candidate.version}) vs ${fmt(a)} (active v${active!.version})${candidate.passed ? '' : `; v${candidate.version} did not pass its bar`}`;
    }
    out.push(impact);
  }
  return out;
}

function metricOf(v: ModelVersion): string {
  const known = Object.values(PRIMARY_METRIC).find((p) => v.metrics[p.metric] !== undefined);
  return known?.metric ?? Object.keys(v.metrics)[0] ?? 'metric';
}

function summary(v: ModelVersion, metric: string): ModelVersionSummary {
  const value = v.metrics[metric];
  return { version: v.version, metric, value: value === undefined || !Number.isFinite(value) ? null : value, passed: v.passed };
}

/** Models in the change, and every other model of the head (a newer version may be waiting for it). */
export function plannedModels(changes: readonly DefinitionChange[], head: Manifest): PlannedModel[] {
  const out: PlannedModel[] = [];
  const inChange = new Set<string>();
  for (const c of changes) {
    if (c.kind !== 'Model' || c.change === 'moved') continue;
    inChange.add(c.name);
    const job = head.definitions[`Model/${c.name}` as keyof Manifest['definitions']]?.compiled as ModelJobSpec | undefined;
    out.push({ name: c.name, change: c.change, ...(job ? { job } : {}) });
  }
  for (const d of Object.values(head.definitions)) {
    if (d.kind === 'Model' && !inChange.has(d.name) && d.compiled)
      out.push({ name: d.name, change: 'unchanged', job: d.compiled as ModelJobSpec });
  }
  return out;
}
