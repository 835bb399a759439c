import type { DefinitionKey, Manifest } from '../../../compiler/contract/manifest.ts';

/** At most this many causes are kept per affected definition (a huge change would list hundreds). */
const MAX_VIA = 5;

/**
 * Everything that uses the seeds, directly or through other definitions, following `dependents`
 * in the head (and in the base for `baseSeeds`, definitions that no longer exist in the head),
 * keyed by head key with the seeds that reach it. The seeds themselves are left out.
 */
export function downstreamOf(
  head: Manifest,
  seeds: readonly string[],
  base?: Manifest,
  baseSeeds: readonly string[] = [],
): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const walk = (manifest: Manifest, seed: string) => {
    const queue = [...(manifest.definitions[seed as DefinitionKey]?.dependents ?? [])];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const key = queue.shift()!;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!head.definitions[key as DefinitionKey]) continue;
      const via = reached.get(key) ?? [];
      if (via.length < MAX_VIA && !via.includes(seed)) via.push(seed);
      reached.set(key, via);
      queue.push(...(head.definitions[key as DefinitionKey]?.dependents ?? []));
    }
  };
  for (const seed of seeds) walk(head, seed);
  if (base) for (const seed of baseSeeds) walk(base, seed);
  for (const seed of seeds) reached.delete(seed);
  return reached;
}
