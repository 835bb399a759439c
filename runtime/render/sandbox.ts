import nunjucks from 'nunjucks';
import { BLOCKED_NAMES } from '../../compiler/templates/contract.ts';

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
  const memberLookup = runtime.memberLookup;
  const contextOrFrameLookup = runtime.contextOrFrameLookup;
  runtime.memberLookup = (obj: unknown, val: unknown) => {
    if (typeof obj === 'function') return undefined;
    if (typeof val === 'string' && BLOCKED_NAMES.has(val)) return undefined;
    if (typeof val !== 'string' && typeof val !== 'number') return undefined;
    return memberLookup(obj, val);
  };
  runtime.contextOrFrameLookup = (context: unknown, frame: unknown, name: string) => {
    if (BLOCKED_NAMES.has(name) || name in Object.prototype) return undefined;
    return contextOrFrameLookup(context, frame, name);
  };
  runtime.__heraldHardened = true;
}
