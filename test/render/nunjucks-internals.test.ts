/**
 * The fast renderer (runtime/render/fast-frame.ts, runtime/render/renderer.ts) replaces two
 * nunjucks internals and drives its compiler directly. This test pins what it relies on, so an
 * upgrade of nunjucks that changes any of it fails here, not silently in rendered emails. It
 * imports nunjucks alone: the renderer's patches are not applied in this file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const fingerprint = (fn: unknown) => createHash('sha256').update(String(fn)).digest('hex').slice(0, 16);

interface Internals {
  runtime: { Frame: { prototype: { set: unknown } } };
  lib: { escape: (s: string) => string };
  compiler: { compile(src: string, asyncFilters: unknown, extensions: unknown, name: string, opts: unknown): string };
}
const internals = nunjucks as unknown as Internals;

describe('the nunjucks internals the fast renderer patches', () => {
  it('is nunjucks 3.2.4, pinned exactly', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies.nunjucks).toBe('3.2.4');
    expect(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'nunjucks', 'package.json'), 'utf8')).version).toBe('3.2.4');
  });

  it('Frame.prototype.set and lib.escape are the implementations the replacements copy', () => {
    expect(fingerprint(internals.runtime.Frame.prototype.set)).toBe('90d04f86f75cb630');
    expect(fingerprint(internals.lib.escape)).toBe('5894cabc29d1e229');
    expect(internals.lib.escape(`<a href="x">'&\\</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#92;&lt;/a&gt;');
  });

  it('compiled loops set loop.* on their own lines, and reading loop looks it up by that text', () => {
    const env = new nunjucks.Environment() as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: unknown };
    expect(env.asyncFilters).toBeDefined();
    expect(env.extensionsList).toBeDefined();
    expect(env.opts).toBeDefined();
    const compile = (src: string) => internals.compiler.compile(src, env.asyncFilters, env.extensionsList, 't', env.opts);
    const plain = compile('{% for x in xs %}{{ x }}{% endfor %}');
    expect(plain.match(/^frame\.set\("loop\.[a-z0-9]+", [^;\n]*\);\n/gm)).toHaveLength(7);
    expect(plain).not.toContain('contextOrFrameLookup(context, frame, "loop")');
    expect(compile('{% for x in xs %}{{ loop.index }}{% endfor %}')).toContain('contextOrFrameLookup(context, frame, "loop")');
  });

  it('a Template built from compiled code renders like one built from source', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    const e = env as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: unknown };
    const src = '{% for p in products %}{{ loop.index }}. {{ p }} {% endfor %}';
    const code = internals.compiler.compile(src, e.asyncFilters, e.extensionsList, 't', e.opts);
    const fromCode = new nunjucks.Template({ type: 'code', obj: new Function(code)() } as unknown as string, env, 't', true);
    const ctx = { products: ['<b>', 'tea'] };
    expect(fromCode.render(ctx)).toBe(new nunjucks.Template(src, env, 't', true).render(ctx));
    expect(fromCode.render(ctx)).toBe('1. &lt;b&gt; 2. tea ');
  });
});
