import type { DefinitionKey, Manifest } from '../../compiler/contract/manifest.ts';

/** The keys given and everything they use, directly or through others (`dependsOn`, followed to the end). */
export function upstreamOf(manifest: Manifest, keys: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...keys];
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    queue.push(...(manifest.definitions[key as DefinitionKey]?.dependsOn ?? []));
  }
  return seen;
}

/**
 * The manifest cut down to the given definitions, what they use, and the Workspace: what a run
 * limited to them reads. Traits and segments nothing in it uses are left out, so a simulation
 * does not rebuild them.
 */
export function manifestFor(manifest: Manifest, keys: readonly string[]): Manifest {
  const keep = upstreamOf(manifest, [...keys, ...Object.keys(manifest.definitions).filter((k) => k.startsWith('Workspace/'))]);
  const definitions = Object.fromEntries(Object.entries(manifest.definitions).filter(([k]) => keep.has(k))) as Manifest['definitions'];
  return {
    ...manifest,
    definitions,
    graph: {
      order: manifest.graph.order.filter((k) => keep.has(k)),
      edges: manifest.graph.edges.filter(([a, b]) => keep.has(a) && keep.has(b)),
    },
  };
}
