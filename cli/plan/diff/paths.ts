import { canonicalJson } from '../../../compiler/4-emit/canonical-json.ts';

/**
 * The paths at which two JSON values differ, down to `depth` levels (`spec.where`,
 * `spec.steps.remind`); deeper differences are reported at the last level. Sorted.
 */
export function differingPaths(a: unknown, b: unknown, prefix: string, depth = 3): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (depth === 0 || !isRecord(a) || !isRecord(b)) return [prefix];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => differingPaths(a[k], b[k], `${prefix}.${k}`, depth - 1));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
