import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, firstNonJsonPath, hashJson, prettyCanonicalJson } from '../../compiler/4-emit/canonical-json.ts';

/** Rebuilds every object of a JSON value with its keys in a random order. */
function shuffleKeys(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rand)]));
}

describe('canonical JSON', () => {
  it('does not depend on key order, and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        let s = seed;
        const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
        const shuffled = shuffleKeys(value, rand);
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        expect(hashJson(shuffled)).toBe(hashJson(value));
        expect(prettyCanonicalJson(shuffled)).toBe(prettyCanonicalJson(value));
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it('changes the hash when a value changes', () => {
    expect(hashJson({ a: 1, b: [1, 2] })).not.toBe(hashJson({ a: 1, b: [2, 1] }));
    expect(hashJson({ a: '1' })).not.toBe(hashJson({ a: 1 }));
    expect(hashJson({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('drops undefined properties and sorts keys', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: { z: 1, y: 2 } })).toBe('{"b":1,"c":{"y":2,"z":1}}');
  });

  it('finds values that JSON cannot carry exactly', () => {
    expect(firstNonJsonPath({ a: [1, 'x', null, { b: true }], c: undefined })).toBeUndefined();
    expect(firstNonJsonPath({ a: [1, Number.NaN] })).toBe('$.a[1]');
    expect(firstNonJsonPath({ a: [1, undefined] })).toBe('$.a[1]');
    expect(firstNonJsonPath({ f: () => 1 })).toBe('$.f');
    expect(firstNonJsonPath({ d: new Date(0) })).toBe('$.d');
    expect(firstNonJsonPath({ n: 10n })).toBe('$.n');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(firstNonJsonPath(cyclic)).toBe('$.self');
    // The same object twice (not a cycle) is fine.
    const shared = { x: 1 };
    expect(firstNonJsonPath({ a: shared, b: shared })).toBeUndefined();
  });

  it('writes keys in one fixed order at every level, compact and indented', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 4, withNullPrototype: true }).filter((v) => v !== undefined),
        (value) => {
          const compact = canonicalJson(value);
          // Indented: the same text once the layout is taken out again.
          const pretty = prettyCanonicalJson(value);
          expect(pretty.endsWith('\n')).toBe(true);
          expect(JSON.stringify(JSON.parse(pretty))).toBe(JSON.stringify(JSON.parse(compact)));
        },
      ),
      { numRuns: 300 },
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, () => 1, Number.NaN, -0, {}, []])).toBe('[null,null,null,0,{},[]]');
    // Index-like keys first, in numeric order, whatever order they were written in; then the rest.
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, a: 4 })).toBe('{"9":3,"10":2,"a":4,"b":1}');
    expect(canonicalJson({ a: 4, 9: 3, b: 1, 10: 2 })).toBe('{"9":3,"10":2,"a":4,"b":1}');
    expect(prettyCanonicalJson({ b: [1, { d: 1, c: [] }], a: {} })).toBe(
      '{\n  "a": {},\n  "b": [\n    1,\n    {\n      "c": [],\n      "d": 1\n    }\n  ]\n}\n',
    );
  });

  it('names the path of a value deep inside lists and objects', () => {
    expect(firstNonJsonPath({ a: { b: [0, { c: [1, 2, Number.POSITIVE_INFINITY] }] } })).toBe('$.a.b[1].c[2]');
  });
});
