import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Executor } from '../db/database.ts';
import type { ModelStore } from './store/types.ts';
import { fail } from './problems.ts';
import { modelRunMessages } from '../../compiler/contract/messages/models-run.ts';

/** Kinds whose rules can call score() or tier(). */
const RULE_KINDS = new Set(['Segment', 'Trait', 'Journey', 'Campaign']);

/**
 * The models the workspace's rules read with score() or tier(), each with the definitions that
 * read it (`Segment/likely_repurchasers`), from the manifest's dependency graph.
 */
export function modelsReadByRules(manifest: Manifest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const def of Object.values(manifest.definitions)) {
    if (def.kind !== 'Model') continue;
    const readers = def.dependents.filter((key) => RULE_KINDS.has(key.split('/')[0]!));
    if (readers.length > 0) out.set(def.name, readers);
  }
  return out;
}

export interface UntrainedRead {
  model: string;
  readers: string[];
  /** Versions trained so far (all below their bar when > 0). */
  versions: number;
}

/** Models read by rules that have no active version in the database's model store. */
export async function untrainedRuleReads(db: Executor, manifest: Manifest): Promise<UntrainedRead[]> {
  const reads = modelsReadByRules(manifest);
  return (await untrainedModels(db, reads.keys())).map((u) => ({ ...u, readers: reads.get(u.model)! }));
}

/** Of the given models, those without an active version in the store, with how many versions each has. */
export async function untrainedModels(db: Executor, models: Iterable<string>): Promise<Array<{ model: string; versions: number }>> {
  const names = [...new Set(models)];
  if (names.length === 0) return [];
  const active = new Set(
    (await db.selectFrom('model_active').select('model').where('model', 'in', names).execute()).map((r) => String(r.model)),
  );
  const missing = names.filter((m) => !active.has(m)).sort();
  if (missing.length === 0) return [];
  const counts = await db
    .selectFrom('model_versions')
    .select(['model', (eb) => eb.fn.countAll().as('n')])
    .where('model', 'in', missing)
    .groupBy('model')
    .execute();
  const versions = new Map(counts.map((r) => [String(r.model), Number(r.n)]));
  return missing.map((model) => ({ model, versions: versions.get(model) ?? 0 }));
}

/** `segment likely_repurchasers and journey winback read score(m) or tier(m)` */
export function describeReaders(read: UntrainedRead): string {
  const names = read.readers.map((key) => {
    const [kind, name] = key.split('/');
    return `${kind!.toLowerCase()} ${name}`;
  });
  const list = names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${list} ${names.length === 1 ? 'reads' : 'read'} score(${read.model}) or tier(${read.model})`;
}

/**
 * Before rules that read models are evaluated (materializing segments, running journeys): every
 * model they read must have an active version, otherwise each of those rules would silently see
 * no score for anyone. Throws a ModelError (HL572) naming the first such model and its readers.
 */
export async function requireModelsForRules(db: Executor, manifest: Manifest): Promise<void> {
  const [first] = await untrainedRuleReads(db, manifest);
  if (!first) return;
  fail(
    first.model,
    'HL572',
    modelRunMessages.HL572({ model: first.model, readers: describeReaders(first), triedVersions: first.versions }),
    `run \`herald train --model ${first.model}\`, then \`herald score --model ${first.model}\`${first.versions ? '; its report says why the bar was not met' : ''}`,
  );
}

/**
 * For runtimes that evaluate `score(model)` / `tier(model)` with a given store: every model a
 * rule reads must have an active version. Throws a ModelError (HL572) naming the first model
 * that was never trained.
 */
export async function requireTrained(store: ModelStore, models: Iterable<string>): Promise<void> {
  for (const model of new Set(models)) {
    if (await store.active(model)) continue;
    const tried = (await store.versions(model)).length;
    fail(
      model,
      'HL572',
      modelRunMessages.HL572({ model, readByRules: true, triedVersions: tried }),
      `run \`herald train --model ${model}\`, then \`herald score --model ${model}\``,
    );
  }
}
