import { canonicalJson } from '../../../compiler/4-emit/canonical-json.ts';

export interface StepChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * Which steps of a journey differ between two specs (`spec.steps` maps step names to steps): the
 * steps a diagram marks. A journey only in one side has all its steps added or removed.
 */
export function journeyStepChanges(base: Record<string, unknown> | undefined, head: Record<string, unknown> | undefined): StepChanges {
  const before = stepsOf(base);
  const after = stepsOf(head);
  const out: StepChanges = { added: [], removed: [], changed: [] };
  for (const [name, step] of after) {
    if (!before.has(name)) out.added.push(name);
    else if (canonicalJson(before.get(name)) !== canonicalJson(step)) out.changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) out.removed.push(name);
  for (const list of Object.values(out)) list.sort();
  return out;
}

function stepsOf(spec: Record<string, unknown> | undefined): Map<string, unknown> {
  const steps = spec?.steps;
  if (typeof steps !== 'object' || steps === null) return new Map();
  if (Array.isArray(steps)) {
    // A list of steps, each with a name (or id).
    return new Map(steps.map((s, i) => [String((s as { name?: unknown; id?: unknown })?.name ?? (s as { id?: unknown })?.id ?? i), s]));
  }
  return new Map(Object.entries(steps));
}
