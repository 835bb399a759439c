import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no insignificant whitespace, `undefined`
 * properties dropped. Two values that mean the same serialize to the same bytes, whatever order
 * their keys were written in: the basis of content hashes and of byte-identical manifests.
 * Exactly `JSON.stringify(sortKeysDeep(value))`, written in one pass without copying the value
 * (manifests of large workspaces run to tens of megabytes).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  writeCanonical(value, out, undefined);
  return out.join('');
}

/** Canonical JSON indented by two spaces with a final newline: what build/manifest.json holds. */
export function prettyCanonicalJson(value: unknown): string {
  const out: string[] = [];
  writeCanonical(value, out, '\n');
  out.push('\n');
  return out.join('');
}

/**
 * Appends `value` as JSON.stringify would write its key-sorted copy: `newline` undefined writes
 * compact JSON, else the line break plus the current indentation (two spaces a level).
 */
function writeCanonical(value: unknown, out: string[], newline: string | undefined): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint': // throws, as JSON.stringify does
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      // undefined, functions and symbols: only reached inside lists, where JSON writes null.
      out.push('null');
      return;
  }
  const inner = newline === undefined ? undefined : `${newline}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      if (inner !== undefined) out.push(inner);
      writeCanonical(value[i], out, inner);
    }
    if (newline !== undefined) out.push(newline);
    out.push(']');
    return;
  }
  const record = value as Record<string, unknown>;
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out.push(first ? '{' : ',');
    first = false;
    if (inner !== undefined) out.push(inner);
    out.push(JSON.stringify(key), inner === undefined ? ':' : ': ');
    writeCanonical(v, out, inner);
  }
  if (first) {
    out.push('{}');
    return;
  }
  if (newline !== undefined) out.push(newline);
  out.push('}');
}

/** `sha256:<hex>` of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The content hash of a JSON value: sha256 of its canonical JSON. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

/**
 * A copy with every object's keys inserted in sorted order, for values kept in memory (the
 * manifest object). Serialize with canonicalJson, not JSON.stringify of this copy: JavaScript
 * objects list integer-like keys ("10", "9") first whatever the insertion order.
 */
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
