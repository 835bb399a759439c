import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no insignificant whitespace, `undefined`
 * properties dropped. Two values that mean the same serialize to the same bytes, whatever order
 * their keys were written in: the basis of content hashes and of byte-identical manifests.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

/** Canonical JSON indented by two spaces with a final newline: what build/manifest.json holds. */
export function prettyCanonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

/** `sha256:<hex>` of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The content hash of a JSON value: sha256 of its canonical JSON. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeysDeep(v);
  }
  return out;
}

/**
 * The path of the first value JSON cannot carry exactly (function, symbol, bigint, NaN/Infinity,
 * `undefined` in a list, a class instance other than a plain object, a cycle), or undefined when
 * the value is plain JSON. `undefined` object properties are allowed: serialization drops them.
 */
export function firstNonJsonPath(value: unknown, path = '$', seen = new Set<object>()): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object') return path;
  if (seen.has(value)) return path;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] === undefined) return `${path}[${i}]`;
        const bad = firstNonJsonPath(value[i], `${path}[${i}]`, seen);
        if (bad) return bad;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return path;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const bad = firstNonJsonPath(v, `${path}.${k}`, seen);
      if (bad) return bad;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}
