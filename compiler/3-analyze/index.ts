import type { LoadResult } from '../1-load/index.ts';
import type { ValidateResult } from '../2-validate/index.ts';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { KINDS, definitionKey, type DefinitionKey, type Kind } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import { buildContext } from './build-context.ts';
import type { KindAnalyzer } from './context.ts';
import { reportCycles } from './cycles.ts';
import { describeKey } from './describe.ts';
import { uniqueDefinitions } from './duplicates.ts';
import { kindAnalyzers } from './kinds/index.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import { defaultSpecSchema, resolveMarkedReferences, type SpecSchemaOf } from './references.ts';

export type { SpecSchemaOf } from './references.ts';
import { reportUnused } from './unused.ts';
import { append } from '../util/append.ts';
import { diagnostic } from '../diagnostics/make.ts';

export interface AnalyzeResult {
  /** The valid definitions, one per `Kind/name` (a duplicate's later copies are left out). */
  definitions: ReadonlyMap<DefinitionKey, Definition>;
  /** Dependency edges: definition → the definitions it uses (sorted). */
  dependencies: ReadonlyMap<DefinitionKey, readonly DefinitionKey[]>;
  /** The reverse edges: definition → the definitions that use it (sorted). */
  dependents: ReadonlyMap<DefinitionKey, readonly DefinitionKey[]>;
  /** Definitions in dependency order (what a definition uses comes first). */
  order: DefinitionKey[];
  /** Per-definition facts from the kind analyzers, for the emit phase. */
  facts: ReadonlyMap<DefinitionKey, unknown>;
  diagnostics: Diagnostic[];
}

export interface AnalyzeOptions {
  /** Where kind spec schemas come from (default: schemas/kinds/). */
  specSchemaOf?: SpecSchemaOf;
  /** The kind analyzers to run, in order (default: kinds/index.ts); tests pass their own. */
  kindAnalyzers?: ReadonlyArray<readonly [Kind, KindAnalyzer]>;
  /** Diagnostics of earlier phases: the unused-definition check runs only when there are none. */
  earlierDiagnostics?: readonly Diagnostic[];
}

/**
 * Phase 3 entry: resolves names across files, runs the kind analyzers, builds the dependency
 * graph, and reports duplicates, unknown references, cycles and unused definitions. Works on the
 * definitions that validated; a reference to a document that failed validation is not reported.
 */
export function analyze(loaded: LoadResult, validated: ValidateResult, options: AnalyzeOptions = {}): AnalyzeResult {
  const specSchemaOf = options.specSchemaOf ?? defaultSpecSchema;
  const all = [...validated.definitions];
  if (validated.workspace && !all.includes(validated.workspace)) all.push(validated.workspace);
  const unique = uniqueDefinitions(all);
  const { ctx, graph, facts, diagnostics } = buildContext(unique.definitions, invalidKeys(loaded, unique.definitions), validated.dataModel);
  append(diagnostics, unique.diagnostics);

  // References the schemas mark (`x-herald-ref`), kind by kind in KINDS order, names sorted.
  for (const kind of KINDS) for (const def of ctx.byKind(kind)) resolveMarkedReferences(def, ctx, specSchemaOf);
  // Kind analyzers type-check rules against the data model; without a valid Workspace every rule
  // would fail on every field, so they wait until herald.yaml is fixed.
  if (validated.dataModel) {
    for (const [kind, analyzer] of options.kindAnalyzers ?? kindAnalyzers) {
      for (const def of ctx.byKind(kind)) {
        const key = definitionKey(def.kind, def.name);
        try {
          const result = analyzer(def, ctx);
          if (result !== undefined) facts.set(key, result);
        } catch (e) {
          diagnostics.push(
            diagnostic(
              'HL305',
              { definition: describeKey(key), message: (e as Error).message },
              {
                file: def.doc.file.path,
                range: rangeOfPath(def.doc, ['metadata', 'name']),
                notes: [(e as Error).stack ?? String(e)],
              },
            ),
          );
        }
      }
    }
  }

  append(diagnostics, reportCycles(graph));
  if (!hasErrors(options.earlierDiagnostics ?? []) && !hasErrors(validated.diagnostics) && !hasErrors(diagnostics)) {
    append(diagnostics, reportUnused(unique.definitions, graph));
  }

  const dependencies = new Map<DefinitionKey, DefinitionKey[]>();
  const dependents = new Map<DefinitionKey, DefinitionKey[]>();
  for (const key of graph.sortedNodes()) {
    dependencies.set(key, graph.dependenciesOf(key));
    dependents.set(key, graph.dependentsOf(key));
  }
  return { definitions: unique.definitions, dependencies, dependents, order: graph.topologicalOrder(), facts, diagnostics };
}

/** Keys of documents that loaded but did not validate (by their raw kind and name, when readable). */
function invalidKeys(loaded: LoadResult, valid: ReadonlyMap<DefinitionKey, Definition>): Set<DefinitionKey> {
  const keys = new Set<DefinitionKey>();
  for (const doc of loaded.documents) {
    const value = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (typeof value !== 'object' || value === null) continue;
    const kind = value.kind;
    const name = value.metadata?.name;
    if (typeof kind !== 'string' || typeof name !== 'string') continue;
    if (!(KINDS as readonly string[]).includes(kind)) continue;
    const key = definitionKey(kind as Kind, name);
    if (!valid.has(key)) keys.add(key);
  }
  return keys;
}
