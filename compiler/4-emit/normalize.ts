import type { JsonSchema } from '../schema/files.ts';
import { resolveRef } from '../schema/walk.ts';

/**
 * Applies the JSON Schema `default`s a definition left out, so the manifest (and the content
 * hash) states every setting explicitly: writing `once_per: 7d` or relying on that default gives
 * the same definition. Follows properties, additionalProperties, patternProperties, items, local
 * `$ref`s and allOf; anyOf/oneOf branches are left alone (which branch applies is the kind's
 * business). Returns a new value; the input is never mutated.
 */
export function applyDefaults(schema: JsonSchema | undefined, value: unknown, root: JsonSchema | undefined = schema, depth = 0): unknown {
  if (!schema || !root || depth > 64) return value;
  const s = resolveRef(root, schema);
  let out = value;
  for (const sub of Array.isArray(s.allOf) ? (s.allOf as JsonSchema[]) : []) out = applyDefaults(sub, out, root, depth + 1);
  if (Array.isArray(out)) {
    const items = s.items;
    if (typeof items !== 'object' || items === null) return out;
    return out.map((item, i) =>
      applyDefaults(Array.isArray(items) ? (items[i] as JsonSchema) : (items as JsonSchema), item, root, depth + 1),
    );
  }
  if (typeof out !== 'object' || out === null) return out;
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, JsonSchema>);
  const additional = typeof s.additionalProperties === 'object' ? (s.additionalProperties as JsonSchema) : undefined;
  const result: Record<string, unknown> = { ...(out as Record<string, unknown>) };
  for (const [key, sub] of Object.entries(props)) {
    if (result[key] === undefined && sub && typeof sub === 'object' && 'default' in sub) result[key] = structuredClone(sub.default);
  }
  for (const [key, v] of Object.entries(result)) {
    if (Object.prototype.hasOwnProperty.call(props, key)) {
      result[key] = applyDefaults(props[key], v, root, depth + 1);
      continue;
    }
    const pattern = patterns.find(([p]) => new RegExp(p, 'u').test(key));
    if (pattern) result[key] = applyDefaults(pattern[1], v, root, depth + 1);
    else if (additional) result[key] = applyDefaults(additional, v, root, depth + 1);
  }
  return result;
}
