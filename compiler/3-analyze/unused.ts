import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import { describeKey } from './describe.ts';
import type { DependencyGraph } from './graph.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import { diagnostic } from '../diagnostics/make.ts';

/**
 * Unused definitions (HL304, a warning). Only kinds whose sole purpose is to be used are checked:
 * a Template is for sending, a Segment for targeting. Exempt: templates marked `partial: true`,
 * segments marked `live: true` (kept materialized for reporting or live use). A Test's reference is not a use. The caller runs
 * this only on a workspace without errors (see the catalogue's explanation of HL304).
 */
export function reportUnused(definitions: ReadonlyMap<DefinitionKey, Definition>, graph: DependencyGraph): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [key, def] of [...definitions].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isChecked(def)) continue;
    const users = graph.dependentsOf(key).filter((user) => !user.startsWith('Test/') && user !== key);
    if (users.length > 0) continue;
    const what = def.kind === 'Template' ? 'no journey or campaign sends it' : 'no journey, campaign, segment or rule uses it';
    diagnostics.push(
      diagnostic(
        'HL304',
        { definition: describeKey(key), what },
        {
          file: def.doc.file.path,
          range: rangeOfPath(def.doc, ['metadata', 'name']),
          help:
            def.kind === 'Segment'
              ? 'reference it, delete it, or mark it `live: true` to keep it materialized'
              : 'send it from a journey or campaign, or delete it',
        },
      ),
    );
  }
  return diagnostics;
}

function isChecked(def: Definition): boolean {
  const spec = def.spec as Record<string, unknown>;
  if (def.kind === 'Template') return spec.partial !== true;
  if (def.kind === 'Segment') return spec.live !== true;
  return false;
}
