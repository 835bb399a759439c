import nunjucks from 'nunjucks';

/**
 * nunjucks sets seven `loop.*` variables per loop iteration through `Frame.set`, which splits the
 * dotted name into a fresh array every time: in a product loop that was the single largest cost
 * of a render. The replacement does exactly the same assignments with the split names cached
 * (there are only a handful of distinct names) and a direct path for undotted names.
 */
interface FrameLike {
  variables: Record<string, unknown>;
}
interface FrameClass {
  prototype: { set(this: FrameLike, name: string, val: unknown, resolveUp?: boolean): void; __heraldFast?: boolean };
}

const splitNames = new Map<string, string[]>();

export function speedUpFrames(): void {
  const Frame = (nunjucks as unknown as { runtime: { Frame: FrameClass } }).runtime.Frame;
  const proto = Frame.prototype;
  if (proto.__heraldFast) return;
  const original = proto.set;
  proto.set = function set(this: FrameLike, name: string, val: unknown, resolveUp?: boolean): void {
    // Writes that may go to an outer frame keep nunjucks' own logic.
    if (resolveUp) return original.call(this, name, val, resolveUp);
    if (name.indexOf('.') === -1) {
      this.variables[name] = val;
      return;
    }
    let parts = splitNames.get(name);
    if (!parts) {
      parts = name.split('.');
      if (splitNames.size < 1000) splitNames.set(name, parts);
    }
    let obj = this.variables as Record<string, unknown>;
    for (let i = 0; i < parts.length - 1; i++) {
      const id = parts[i]!;
      if (!obj[id]) obj[id] = {};
      obj = obj[id] as Record<string, unknown>;
    }
    obj[parts[parts.length - 1]!] = val;
  };
  proto.__heraldFast = true;
}

/**
 * HTML escaping runs for every placeholder; most values (names, prices) have nothing to escape,
 * and a test is cheaper than a replace that finds nothing. Same escapes as nunjucks' own.
 */
const NEEDS_ESCAPE = /[&"'<>\\]/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '\\': '&#92;' };
const ESCAPE_ALL = /[&"'<>\\]/g;

export function speedUpEscape(): void {
  const lib = (nunjucks as unknown as { lib: { escape(val: string): string; __heraldFast?: boolean } }).lib;
  if (lib.__heraldFast) return;
  lib.escape = (val: string) => (NEEDS_ESCAPE.test(val) ? val.replace(ESCAPE_ALL, (c) => ESCAPES[c]!) : val);
  lib.__heraldFast = true;
}
