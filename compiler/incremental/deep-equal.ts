/**
 * Structural equality for analysis facts and compiled blocks, so that a definition recomputed
 * because something it read changed can hand on its previous result when the new one is the same
 * (the trait a template's type check reads changed, but not in a way that matters): what uses the
 * result then sees the very same object and is reused too.
 *
 * Conservative by design: Map and Set members are matched by identity (facts key maps by AST node,
 * and equal nodes of a re-parsed file are different objects), objects must share a prototype.
 * Functions are equal when their source is: facts are data, and the functions in them are
 * per-instance methods (the `yaml` package's LineCounter binds its own), whose state is compared
 * with the instance. `false` only costs a recomputation downstream.
 */
export function deepEqual(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'function' && typeof b === 'function') return a.toString() === b.toString();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  // A pair already being compared further up is assumed equal (cycles).
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], other[i], seen)) return false;
    return true;
  }
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [k, v] of a) if (!other.has(k) || !deepEqual(v, other.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    if (a.size !== other.size) return false;
    for (const v of a) if (!other.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen)) return false;
  }
  return true;
}
