import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { describeKey, describeLocation } from './describe.ts';
import type { DependencyGraph } from './graph.ts';
import { diagnostic } from '../diagnostics/make.ts';

/** One HL303 per cycle, at the reference that leaves the cycle's first definition. */
export function reportCycles(graph: DependencyGraph): Diagnostic[] {
  return graph.cycles().map((cycle) => {
    const path = cycle.map(describeKey).join(' -> ');
    const first = graph.siteOf(cycle[0]!, cycle[1]!);
    const notes: string[] = [];
    for (let i = 1; i < cycle.length - 1; i++) {
      const site = graph.siteOf(cycle[i]!, cycle[i + 1]!);
      if (site)
        notes.push(`${describeKey(cycle[i]!)} refers to ${describeKey(cycle[i + 1]!)} at ${describeLocation(site.file, site.range)}`);
    }
    return diagnostic(
      'HL303',
      { path },
      {
        file: first?.file,
        range: first?.range,
        notes,
        help: 'remove one of the references to break the cycle',
      },
    );
  });
}
