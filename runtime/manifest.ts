import { join } from 'node:path';
import type { Manifest, ManifestDefinition } from '../compiler/contract/manifest.ts';
import type { CompiledSegment, CompiledTrait } from '../compiler/contract/compiled-sql.ts';
import type { TraitTableSpec } from './db/sync.ts';
import { loadManifestFile, ManifestError } from '../compiler/contract/read-manifest.ts';

/**
 * How the runtime gets its manifest: from a build folder (`build/manifest.json`, written by
 * `herald compile`), or by compiling in-process through a function the CLI passes in. The runtime
 * never imports compiler phases; the CLI is where the two meet.
 */
export type ManifestSource =
  { kind: 'build'; dir: string } | { kind: 'compile'; compile: () => Promise<Manifest | undefined> | Manifest | undefined };

/** Loads the manifest; `undefined` when an in-process compile reported errors (already printed by it). */
export async function obtainManifest(source: ManifestSource): Promise<Manifest | undefined> {
  if (source.kind === 'compile') return source.compile();
  return loadManifestFile(join(source.dir, 'manifest.json'));
}

/** A compiled segment with its name, in dependency order. */
export interface RuntimeSegment {
  name: string;
  definition: ManifestDefinition<CompiledSegment>;
  compiled: CompiledSegment;
}

export interface RuntimeTrait {
  name: string;
  definition: ManifestDefinition<CompiledTrait>;
  compiled: CompiledTrait;
}

/** Definitions of one kind that carry a compiled block, in the manifest's dependency order. */
function compiledOfKind<C>(
  manifest: Manifest,
  kind: 'Segment' | 'Trait',
): Array<{ name: string; definition: ManifestDefinition<C>; compiled: C }> {
  const out: Array<{ name: string; definition: ManifestDefinition<C>; compiled: C }> = [];
  const seen = new Set<string>();
  const keys = [...manifest.graph.order, ...Object.keys(manifest.definitions)];
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const def = manifest.definitions[key as keyof Manifest['definitions']] as ManifestDefinition<C> | undefined;
    if (!def || def.kind !== kind) continue;
    if (def.compiled === undefined || def.compiled === null) {
      throw new ManifestError(
        `${kind.toLowerCase()} "${def.name}" has no compiled query in the manifest; compile it again with this version of Herald`,
      );
    }
    out.push({ name: def.name, definition: def, compiled: def.compiled });
  }
  return out;
}

export function segmentsOf(manifest: Manifest): RuntimeSegment[] {
  return compiledOfKind<CompiledSegment>(manifest, 'Segment');
}

/** Traits in dependency order: a trait comes after every trait it reads (lifecycle after rfm). */
export function traitsOf(manifest: Manifest): RuntimeTrait[] {
  return compiledOfKind<CompiledTrait>(manifest, 'Trait');
}

/** The trait tables the schema sync creates: one column per trait output. */
export function traitTableSpecs(manifest: Manifest): TraitTableSpec[] {
  return traitsOf(manifest).map((t) => ({
    name: t.name,
    columns: Object.fromEntries(t.compiled.outputs.map((o) => [o.name, o.type])),
  }));
}
