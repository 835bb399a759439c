import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { definitionKey, type DefinitionKey } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import { describeKey, describeLocation } from './describe.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import { diagnostic } from '../diagnostics/make.ts';

export interface UniqueDefinitions {
  /** One definition per `Kind/name`: the first in file order. */
  definitions: Map<DefinitionKey, Definition>;
  diagnostics: Diagnostic[];
}

/**
 * Keeps the first definition of each kind and name (files in sorted order, documents in file
 * order) and reports every later one, pointing at its name with a note locating the first.
 * The Workspace is left to phase 2, which already reports a second Workspace document.
 */
export function uniqueDefinitions(all: readonly Definition[]): UniqueDefinitions {
  const sorted = [...all].sort((a, b) =>
    a.doc.file.path < b.doc.file.path ? -1 : a.doc.file.path > b.doc.file.path ? 1 : a.doc.index - b.doc.index,
  );
  const definitions = new Map<DefinitionKey, Definition>();
  const diagnostics: Diagnostic[] = [];
  for (const def of sorted) {
    const key = definitionKey(def.kind, def.name);
    const first = definitions.get(key);
    if (!first) {
      definitions.set(key, def);
      continue;
    }
    if (def.kind === 'Workspace') continue;
    const firstAt = describeLocation(first.doc.file.path, rangeOfPath(first.doc, ['metadata', 'name']));
    diagnostics.push(
      diagnostic(
        'HL301',
        { definition: describeKey(key) },
        {
          file: def.doc.file.path,
          range: rangeOfPath(def.doc, ['metadata', 'name']),
          notes: [`first defined at ${firstAt}`],
          help: `rename one of them: names are unique per kind`,
        },
      ),
    );
  }
  return { definitions, diagnostics };
}
