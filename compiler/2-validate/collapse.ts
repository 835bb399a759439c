import type { ErrorObject } from 'ajv';
import { suggest } from '../diagnostics/suggest.ts';
import { pointerToPath, problemFromError, type Expectation, type Problem, type ValuePath } from './problems.ts';
import type { Schemas, Validator } from './schema-ids.ts';

/**
 * Validates `data` and returns one problem per real mistake. ajv (allErrors) reports every failing
 * branch of an anyOf/oneOf, then the combinator itself: a cascade in which the one useful error is
 * hidden. Each combinator is collapsed here to its most relevant branch: its branches are
 * re-validated one by one in their own schema context (the registry knows where each branch lives),
 * the branch whose shape fits best is kept, and when no branch fits even the value's type, one
 * "expected X or Y" problem replaces them all.
 */
export function schemaProblems(registry: Schemas, validate: Validator, data: unknown, base: ValuePath): Problem[] {
  if (validate(data)) return [];
  return collapse(registry, [...(validate.errors ?? [])], base);
}

function collapse(registry: Schemas, errors: ErrorObject[], base: ValuePath): Problem[] {
  // Combinator errors follow their branches' errors, so walk backwards and skip what a combinator consumed.
  const chunks: Problem[][] = [];
  let i = errors.length - 1;
  while (i >= 0) {
    const error = errors[i]!;
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const { problems, consumed } = alternatives(registry, errors, i, base);
      chunks.push(problems);
      i -= 1 + consumed;
    } else if (error.keyword === 'propertyNames') {
      const { problems, consumed } = propertyName(registry, errors, i, base);
      chunks.push(problems);
      i -= 1 + consumed;
    } else if (error.keyword === 'contains') {
      const { problems, consumed } = contains(registry, errors, i, base);
      chunks.push(problems);
      i -= 1 + consumed;
    } else if (error.keyword === 'if') {
      // The then/else branch's own errors (just before) say what is wrong; "must match then" adds nothing.
      i -= 1;
    } else {
      chunks.push([problemFromError(error, base)]);
      i -= 1;
    }
  }
  return chunks.reverse().flat();
}

interface Collapsed {
  problems: Problem[];
  /** How many errors before the combinator error belong to it. */
  consumed: number;
}

function alternatives(registry: Schemas, errors: ErrorObject[], at: number, base: ValuePath): Collapsed {
  const error = errors[at]!;
  const path = pointerToPath(error.instancePath, base);
  const branches = error.schema;
  const pointer = registry.pointerOf(branches);
  const evaluations: ErrorObject[][] = [];
  if (pointer !== undefined && Array.isArray(branches)) {
    for (let k = 0; k < branches.length; k++) {
      const v = registry.validator(`${pointer}/${k}`);
      if (v instanceof Error) break;
      evaluations.push(v(error.data) ? [] : [...(v.errors ?? [])]);
    }
  }
  const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
  const several = error.keyword === 'oneOf' && Array.isArray(passing) && passing.length > 1;
  // oneOf stops at the second passing branch: later branches were not evaluated and left no errors.
  const evaluated = several ? Math.max(...(passing as number[])) + 1 : evaluations.length;
  const consumed = evaluations.slice(0, evaluated).reduce((n, e) => n + e.length, 0);
  if (!Array.isArray(branches) || evaluations.length !== branches.length || !precededBy(errors, at, consumed, error.instancePath)) {
    return {
      problems: [{ kind: 'other', path, message: 'does not match any of the allowed shapes' }],
      consumed: contiguousWithin(errors, at, error.instancePath),
    };
  }
  // The common "exactly one of these keys" pattern: every branch is just `required: [key]`.
  const keys = branches.map(requiredOnlyKey);
  const keyed = keys.every((k): k is string => k !== undefined) ? (keys as string[]) : undefined;
  if (several) {
    const present = keyed ? (passing as number[]).map((k) => keyed[k]!) : undefined;
    return {
      problems: [{ kind: 'ambiguous', path, reason: 'several', ...(keyed && present ? { keys: { all: keyed, present } } : {}) }],
      consumed,
    };
  }
  const candidates = evaluations.map((errs) => collapse(registry, errs, path));
  if (keyed && candidates.every((c) => c.every((p) => p.kind === 'required' && p.path.length === path.length))) {
    return { problems: [{ kind: 'required', path, missing: keyed[0]!, oneOf: keyed }], consumed };
  }
  return { problems: bestBranch(candidates, path, error.data), consumed };
}

/** The key of a branch that only says `required: [key]` (descriptions aside), else undefined. */
function requiredOnlyKey(branch: unknown): string | undefined {
  if (typeof branch !== 'object' || branch === null) return undefined;
  const b = branch as Record<string, unknown>;
  const keywords = Object.keys(b).filter((k) => k !== 'description' && k !== 'title' && k !== '$comment');
  if (keywords.length !== 1 || keywords[0] !== 'required') return undefined;
  const required = b.required;
  return Array.isArray(required) && required.length === 1 && typeof required[0] === 'string' ? required[0] : undefined;
}

/** Scores a branch's problems: a mismatch at the value itself is worse than a wrong key, which is worse than a wrong detail. */
function score(problems: readonly Problem[], depth: number): number {
  let s = 0;
  for (const p of problems) {
    const rel = p.path.length - depth;
    if (rel === 0 && (p.kind === 'type' || p.kind === 'alternatives')) s += 1000;
    else if (rel === 0 && p.kind === 'enum') s += 500;
    // A wrong constant in a direct child is a discriminator (`type: propensity`) saying "not this branch".
    else if (rel === 1 && p.kind === 'enum') s += 100;
    else if (rel === 0 && p.kind === 'unknown-key') s += suggest(p.key, p.allowed) ? 5 : 10;
    else if (rel === 0 && p.kind === 'required') s += 10;
    else s += 1;
  }
  return s;
}

function rootMismatch(problems: readonly Problem[], depth: number): Expectation[] | undefined {
  const here = problems.filter((p) => p.path.length === depth);
  const out: Expectation[] = [];
  // A list of allowed values says more than their type ("csv" or "jsonl", rather than "a string").
  const hasValues = here.some((p) => p.kind === 'enum');
  for (const p of here) {
    if (p.kind === 'type' && !hasValues) out.push(...p.expected.map((type) => ({ type })));
    else if (p.kind === 'enum') out.push({ values: p.allowed });
    else if (p.kind === 'alternatives') out.push(...p.expected);
  }
  return out.length > 0 ? out : undefined;
}

function bestBranch(candidates: Problem[][], path: ValuePath, value: unknown): Problem[] {
  const depth = path.length;
  const mismatches = candidates.map((c) => rootMismatch(c, depth));
  if (mismatches.every((m) => m !== undefined)) {
    // No branch accepts even the kind of value written: say what would have been accepted.
    const expected: Expectation[] = [];
    const seen = new Set<string>();
    for (const e of mismatches.flat()) {
      const key = JSON.stringify(e);
      if (e && !seen.has(key)) {
        seen.add(key);
        expected.push(e);
      }
    }
    return [{ kind: 'alternatives', path, expected, value }];
  }
  let best = 0;
  let bestScore = Infinity;
  candidates.forEach((c, k) => {
    const s = score(c, depth);
    if (s < bestScore) {
      best = k;
      bestScore = s;
    }
  });
  return candidates[best]!;
}

function propertyName(registry: Schemas, errors: ErrorObject[], at: number, base: ValuePath): Collapsed {
  const error = errors[at]!;
  const path = pointerToPath(error.instancePath, base);
  const name = String((error.params as { propertyName?: unknown }).propertyName);
  const pointer = registry.pointerOf(error.schema);
  let inner: ErrorObject[] | undefined;
  if (pointer !== undefined) {
    const v = registry.validator(pointer);
    if (!(v instanceof Error)) inner = v(name) ? [] : [...(v.errors ?? [])];
  }
  const consumed =
    inner !== undefined && precededBy(errors, at, inner.length, error.instancePath)
      ? inner.length
      : contiguousWithin(errors, at, error.instancePath, true);
  const pattern = inner?.find((e) => e.keyword === 'pattern')?.params as { pattern?: string } | undefined;
  return { problems: [{ kind: 'property-name', path, name, ...(pattern?.pattern ? { pattern: pattern.pattern } : {}) }], consumed };
}

/** `contains` reports why each entry failed, then itself; only "no entry matches" is the problem. */
function contains(registry: Schemas, errors: ErrorObject[], at: number, base: ValuePath): Collapsed {
  const error = errors[at]!;
  const path = pointerToPath(error.instancePath, base);
  const pointer = registry.pointerOf(error.schema);
  const v = pointer !== undefined ? registry.validator(pointer) : undefined;
  let consumed = 0;
  if (v && !(v instanceof Error) && Array.isArray(error.data)) {
    for (const item of error.data) if (!v(item)) consumed += v.errors?.length ?? 0;
  }
  if (!precededBy(errors, at, consumed, error.instancePath)) consumed = contiguousWithin(errors, at, error.instancePath);
  const min = Number((error.params as { minContains?: unknown }).minContains ?? 1);
  const message =
    min === 1 ? 'must hold at least one entry of the required kind' : `must hold at least ${min} entries of the required kind`;
  return { problems: [{ kind: 'other', path, message }], consumed };
}

function within(instancePath: string, parent: string): boolean {
  return instancePath === parent || instancePath.startsWith(`${parent}/`);
}

/** True when the `count` errors just before `at` all lie at or under `instancePath` (a sanity check of the count). */
function precededBy(errors: ErrorObject[], at: number, count: number, instancePath: string): boolean {
  if (count > at) return false;
  for (let k = at - count; k < at; k++) if (!within(errors[k]!.instancePath, instancePath)) return false;
  return true;
}

/** Fallback when a combinator's branches cannot be re-validated: the errors just before it at or under its place. */
function contiguousWithin(errors: ErrorObject[], at: number, instancePath: string, exact = false): number {
  let n = 0;
  for (let k = at - 1; k >= 0; k--) {
    const p = errors[k]!.instancePath;
    if (exact ? p !== instancePath : !within(p, instancePath)) break;
    n++;
  }
  return n;
}
