import nunjucks from 'nunjucks';
import { BLOCKED_NAMES } from '../../compiler/contract/template.ts';

/**
 * The template sandbox. Compiled nunjucks reaches values only through its runtime's
 * `memberLookup` (for `a.b` and `a[b]`) and `contextOrFrameLookup` (for top-level names), so those
 * two are wrapped once per process: blocked names (`constructor`, `__proto__`…) read as undefined,
 * members of functions are never reachable (no `range.constructor`, no `.call`/`.apply`), and
 * top-level names come only from the render context or Herald's globals, never from
 * Object.prototype. The compiler refuses these names too (HL358); this is the second wall.
 */
interface NunjucksRuntime {
  memberLookup(obj: unknown, val: unknown): unknown;
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown;
  __heraldHardened?: boolean;
}

export function hardenNunjucks(): void {
  const runtime = (nunjucks as unknown as { runtime: NunjucksRuntime }).runtime;
  if (runtime.__heraldHardened) return;
  const contextOrFrameLookup = runtime.contextOrFrameLookup;
  // nunjucks' own memberLookup, with the checks in front (inlined: it runs for every `a.b`).
  runtime.memberLookup = (obj: unknown, val: unknown) => {
    if (obj === undefined || obj === null || typeof obj === 'function') return undefined;
    if (typeof val === 'string') {
      // A field may be declared `constructor`: its own data value is read, never what the
      // prototype chain holds under that name, and never a function.
      if (BLOCKED_NAMES.has(val))
        return Object.hasOwn(obj, val) && typeof (obj as Record<string, unknown>)[val] !== 'function'
          ? (obj as Record<string, unknown>)[val]
          : undefined;
    } else if (typeof val !== 'number') return undefined;
    const target = obj as Record<string | number, unknown>;
    const value = target[val];
    if (typeof value === 'function') return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
    return value;
  };
  // One set holds every refused top-level name: the blocked ones and all of Object.prototype's.
  const refused = new Set<string>([...BLOCKED_NAMES, ...Object.getOwnPropertyNames(Object.prototype)]);
  runtime.contextOrFrameLookup = (context: unknown, frame: unknown, name: string) => {
    if (refused.has(name)) return undefined;
    return contextOrFrameLookup(context, frame, name);
  };
  runtime.__heraldHardened = true;
}
