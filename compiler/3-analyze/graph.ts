import type { Range } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey } from '../contract/definition.ts';
import { stronglyConnected } from './strongly-connected.ts';

/** Where a reference was written: the diagnostic location of a dependency edge. */
export interface ReferenceSite {
  file: string;
  range?: Range;
}

/**
 * The dependency graph: `from` uses `to`. Edges are de-duplicated (the first site is kept, which
 * is where a cycle or a problem is reported). All operations are linear in nodes + edges.
 */
export class DependencyGraph {
  private readonly nodes = new Set<DefinitionKey>();
  private readonly deps = new Map<DefinitionKey, Map<DefinitionKey, ReferenceSite>>();
  private readonly revs = new Map<DefinitionKey, Set<DefinitionKey>>();

  addNode(key: DefinitionKey): void {
    this.nodes.add(key);
  }

  addEdge(from: DefinitionKey, to: DefinitionKey, site: ReferenceSite): void {
    this.nodes.add(from);
    this.nodes.add(to);
    let out = this.deps.get(from);
    if (!out) this.deps.set(from, (out = new Map()));
    if (out.has(to)) return;
    out.set(to, site);
    let back = this.revs.get(to);
    if (!back) this.revs.set(to, (back = new Set()));
    back.add(from);
  }

  /** What `key` uses, sorted. */
  dependenciesOf(key: DefinitionKey): DefinitionKey[] {
    return [...(this.deps.get(key)?.keys() ?? [])].sort();
  }

  /** What uses `key`, sorted. */
  dependentsOf(key: DefinitionKey): DefinitionKey[] {
    return [...(this.revs.get(key) ?? [])].sort();
  }

  siteOf(from: DefinitionKey, to: DefinitionKey): ReferenceSite | undefined {
    return this.deps.get(from)?.get(to);
  }

  sortedNodes(): DefinitionKey[] {
    return [...this.nodes].sort();
  }

  /**
   * Every cycle, once per strongly connected component (Tarjan, iterative so 10,000 chained
   * definitions do not overflow the stack), as a closed path starting and ending at the
   * component's smallest key: the shortest way round from there.
   */
  cycles(): DefinitionKey[][] {
    const result: DefinitionKey[][] = [];
    for (const component of this.stronglyConnected()) {
      const start = component.reduce((a, b) => (b < a ? b : a));
      const selfLoop = this.deps.get(start)?.has(start) ?? false;
      if (component.length === 1 && !selfLoop) continue;
      result.push(this.shortestLoop(start, new Set(component)));
    }
    return result.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  }

  /**
   * Dependency order: a definition comes after everything it uses. Ties keep sorted key order, so
   * the result is stable. Members of cycles (which have no valid order) come last, sorted.
   */
  topologicalOrder(): DefinitionKey[] {
    const remaining = new Map<DefinitionKey, number>();
    for (const node of this.nodes) remaining.set(node, this.deps.get(node)?.size ?? 0);
    const queue = this.sortedNodes().filter((n) => remaining.get(n) === 0);
    const order: DefinitionKey[] = [];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      order.push(node);
      for (const dependent of this.dependentsOf(node)) {
        const left = remaining.get(dependent)! - 1;
        remaining.set(dependent, left);
        if (left === 0) queue.push(dependent);
      }
    }
    if (order.length < this.nodes.size) {
      const placed = new Set(order);
      for (const node of this.sortedNodes()) if (!placed.has(node)) order.push(node);
    }
    return order;
  }

  private stronglyConnected(): DefinitionKey[][] {
    return stronglyConnected(this.sortedNodes(), (node) => this.dependenciesOf(node));
  }

  /** Breadth-first search inside one component for the shortest path from `start` back to itself. */
  private shortestLoop(start: DefinitionKey, component: ReadonlySet<DefinitionKey>): DefinitionKey[] {
    const parent = new Map<DefinitionKey, DefinitionKey>();
    const queue: DefinitionKey[] = [start];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const target of this.dependenciesOf(node)) {
        if (!component.has(target)) continue;
        if (target === start) {
          const path: DefinitionKey[] = [start];
          for (let at: DefinitionKey | undefined = node; at !== undefined && at !== start; at = parent.get(at)) path.push(at);
          path.push(start);
          // Built backwards from the closing node; the first and last entries are both `start`.
          return [start, ...path.slice(1, -1).reverse(), start];
        }
        if (!parent.has(target) && target !== start) {
          parent.set(target, node);
          queue.push(target);
        }
      }
    }
    return [start, start];
  }
}
