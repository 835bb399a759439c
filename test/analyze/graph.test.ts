import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '../../compiler/3-analyze/graph.ts';
import type { DefinitionKey } from '../../compiler/contract/definition.ts';

const key = (i: number) => `Segment/s${i}` as DefinitionKey;
const site = { file: 'x.yaml' };

/** A random graph over n nodes as an edge list. */
const graphArb = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 })));

function build(n: number, edges: Array<[number, number]>): DependencyGraph {
  const g = new DependencyGraph();
  for (let i = 0; i < n; i++) g.addNode(key(i));
  for (const [a, b] of edges) g.addEdge(key(a), key(b), site);
  return g;
}

/** Reference check: does the graph have a cycle? (Depth-first search with colours.) */
function hasCycle(n: number, edges: Array<[number, number]>): boolean {
  const out = Array.from({ length: n }, () => [] as number[]);
  for (const [a, b] of edges) out[a]!.push(b);
  const colour = new Array<number>(n).fill(0);
  const visit = (v: number): boolean => {
    colour[v] = 1;
    for (const w of out[v]!) if (colour[w] === 1 || (colour[w] === 0 && visit(w))) return true;
    colour[v] = 2;
    return false;
  };
  for (let v = 0; v < n; v++) if (colour[v] === 0 && visit(v)) return true;
  return false;
}

describe('DependencyGraph', () => {
  it('reports a cycle exactly when the graph has one, and every reported cycle is a real closed path', () => {
    fc.assert(
      fc.property(graphArb, ([n, edges]) => {
        const g = build(n, edges);
        const cycles = g.cycles();
        expect(cycles.length > 0).toBe(hasCycle(n, edges));
        const edgeSet = new Set(edges.map(([a, b]) => `${key(a)}>${key(b)}`));
        for (const cycle of cycles) {
          expect(cycle[0]).toBe(cycle[cycle.length - 1]);
          for (let i = 0; i + 1 < cycle.length; i++) expect(edgeSet.has(`${cycle[i]}>${cycle[i + 1]}`)).toBe(true);
          // Shortest way round: no definition appears twice inside one cycle.
          expect(new Set(cycle.slice(1)).size).toBe(cycle.length - 1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('orders every definition after what it uses when there is no cycle, and lists each once', () => {
    fc.assert(
      fc.property(graphArb, ([n, edges]) => {
        const g = build(n, edges);
        const order = g.topologicalOrder();
        expect([...order].sort()).toEqual(g.sortedNodes());
        if (hasCycle(n, edges)) return;
        const position = new Map(order.map((k, i) => [k, i]));
        for (const [a, b] of edges) expect(position.get(key(b))!).toBeLessThanOrEqual(position.get(key(a))!);
      }),
      { numRuns: 500 },
    );
  });

  it('handles a chain of 20,000 definitions without deep recursion', () => {
    const g = new DependencyGraph();
    for (let i = 1; i < 20_000; i++) g.addEdge(key(i), key(i - 1), site);
    expect(g.cycles()).toEqual([]);
    expect(g.topologicalOrder()[0]).toBe(key(0));
    g.addEdge(key(0), key(19_999), site);
    expect(g.cycles()).toHaveLength(1);
    expect(g.cycles()[0]).toHaveLength(20_001);
  });

  it('keeps the first site of a repeated edge and lists dependents', () => {
    const g = new DependencyGraph();
    g.addEdge(key(1), key(2), { file: 'first.yaml' });
    g.addEdge(key(1), key(2), { file: 'second.yaml' });
    expect(g.siteOf(key(1), key(2))).toEqual({ file: 'first.yaml' });
    expect(g.dependentsOf(key(2))).toEqual([key(1)]);
    expect(g.dependenciesOf(key(1))).toEqual([key(2)]);
  });
});
