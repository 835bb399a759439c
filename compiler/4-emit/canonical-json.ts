import { createHash } from 'node:crypto';

/**
 * Canonical JSON: no insignificant whitespace, `undefined` properties dropped, and every object's
 * keys in one fixed order whatever order they were written in: the basis of content hashes and of
 * byte-identical manifests. The order is the one JavaScript gives a key-sorted copy: keys that look
 * like array indexes ("0", "10") first, in numeric order, then the others by UTF-16 code units.
 * (Serializing a sorted copy natively is several times faster than any hand-written walk, and
 * manifests of large workspaces run to tens of megabytes.)
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify(undefined) is undefined, not text; a canonical text needs one.
  return JSON.stringify(sortKeysDeep(value)) ?? 'null';
}

/** Canonical JSON indented by two spaces with a final newline: what build/manifest.json holds. */
export function prettyCanonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2) ?? 'null'}\n`;
}

/** `sha256:<hex>` of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The content hash of a JSON value: sha256 of its canonical JSON. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** A copy with every object's keys inserted in sorted order (see canonicalJson for the order). */
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
export function firstNonJsonPath(value: unknown): string | undefined {
  // The walk keeps the path as a stack of steps and spells it out only when it finds a problem:
  // every compiled block is checked, and nearly all of them are fine.
  const steps: Array<string | number> = [];
  return findNonJson(value, steps, new Set<object>()) ? spellPath(steps) : undefined;
}

function findNonJson(value: unknown, steps: Array<string | number>, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return false;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object') return true;
  if (seen.has(value)) return true;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      steps.push(i);
      if (value[i] === undefined || findNonJson(value[i], steps, seen)) return true;
      steps.pop();
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      steps.push(key);
      if (findNonJson(v, steps, seen)) return true;
      steps.pop();
    }
  }
  seen.delete(value);
  return false;
}

function spellPath(steps: ReadonlyArray<string | number>): string {
  return steps.reduce<string>((path, step) => (typeof step === 'number' ? `${path}[${step}]` : `${path}.${step}`), '$');
}
