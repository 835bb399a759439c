import type { Diagnostic, Range } from '../diagnostics/diagnostic.ts';
import { suggest } from '../diagnostics/suggest.ts';
import { KINDS, definitionKey, type DefinitionKey, type Kind } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import type { DataModel } from '../contract/data-model.ts';
import type { AnalyzeContext, DocPath } from './context.ts';
import { describeKey } from './describe.ts';
import { DependencyGraph } from './graph.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import { diagnostic } from '../diagnostics/make.ts';

/** The mutable state behind an AnalyzeContext; only phase 3's own modules see it. */
export interface AnalysisState {
  ctx: AnalyzeContext;
  graph: DependencyGraph;
  facts: Map<DefinitionKey, unknown>;
  diagnostics: Diagnostic[];
}

const EMPTY_MODEL: DataModel = { customers: { fields: {}, mergeByEmail: false }, events: {}, items: { fields: {} } };

/**
 * Builds the context kind analyzers use. `definitions` holds one definition per key (duplicates
 * already set aside); `invalid` holds the keys of documents that exist but failed validation:
 * references to them are neither edges nor "unknown" (their own errors are already reported).
 */
export function buildContext(
  definitions: ReadonlyMap<DefinitionKey, Definition>,
  invalid: ReadonlySet<DefinitionKey>,
  dataModel: DataModel | undefined,
): AnalysisState {
  const graph = new DependencyGraph();
  const facts = new Map<DefinitionKey, unknown>();
  const diagnostics: Diagnostic[] = [];
  for (const key of definitions.keys()) graph.addNode(key);

  const byKind = new Map<Kind, Definition[]>(KINDS.map((k) => [k, []]));
  for (const [, def] of [...definitions].sort(([a], [b]) => (a < b ? -1 : 1))) byKind.get(def.kind)!.push(def);
  // Names per kind, for suggestions: built once, only read when a name is unknown.
  const namesOf = (kind: Kind) => byKind.get(kind)!.map((d) => d.name);

  const rangeOf: AnalyzeContext['rangeOf'] = (def, path, options) => rangeOfPath(def.doc, path, options);

  const ctx: AnalyzeContext = {
    dataModel: dataModel ?? EMPTY_MODEL,
    definitions,
    byKind: (kind) => byKind.get(kind) ?? [],
    lookup: (kind, name) => definitions.get(definitionKey(kind, name)),
    report: (d) => diagnostics.push(d),
    rangeOf,
    factsOf: <T>(key: DefinitionKey) => facts.get(key) as T | undefined,
    reference(from, kind, name, at) {
      const range = isPath(at) ? rangeOf(from, at) : at;
      const targetKey = definitionKey(kind, name);
      const target = definitions.get(targetKey);
      if (target) {
        graph.addEdge(definitionKey(from.kind, from.name), targetKey, { file: from.doc.file.path, range });
        return target;
      }
      if (invalid.has(targetKey)) return undefined;
      diagnostics.push(unknownReference(from, kind, name, range, namesOf, definitions));
      return undefined;
    },
  };
  return { ctx, graph, facts, diagnostics };
}

function isPath(at: DocPath | Range): at is DocPath {
  return Array.isArray(at);
}

function unknownReference(
  from: Definition,
  kind: Kind,
  name: string,
  range: Range | undefined,
  namesOf: (kind: Kind) => string[],
  definitions: ReadonlyMap<DefinitionKey, Definition>,
): Diagnostic {
  const close = suggest(name, namesOf(kind));
  const notes: string[] = [];
  // A name of the wrong kind is a common slip (a template name where a segment is expected).
  for (const other of KINDS) {
    if (other !== kind && definitions.has(definitionKey(other, name))) {
      notes.push(`${describeKey(definitionKey(other, name))} exists, but a ${kind} is expected here`);
    }
  }
  return diagnostic(
    'HL302',
    { kind, name, definition: describeKey(definitionKey(from.kind, from.name)) },
    {
      file: from.doc.file.path,
      range,
      notes,
      help: close ? `did you mean "${close}"?` : namesOf(kind).length === 0 ? `the workspace has no ${kind} definitions` : undefined,
    },
  );
}
