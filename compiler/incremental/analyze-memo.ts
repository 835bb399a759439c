import type { LoadedDocument } from '../1-load/parse-file.ts';
import type { AnalyzeContext, DocPath, KindAnalyzer } from '../3-analyze/context.ts';
import type { Diagnostic, Range } from '../diagnostics/diagnostic.ts';
import { definitionKey, type DefinitionKey, type Kind } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import { deepEqual } from './deep-equal.ts';
import { filesReadBy, type FileSnapshot, type FilesRead } from './files-read.ts';
import { keyOf, makeWorld, readsStillHold, RecordedDefinitions, Recorder, type Reads, type World } from './recorder.ts';
import type { BuildStats } from './stats.ts';

/** What an analyzer did to the context, replayed in order when its result is reused. */
type AnalyzeEffect = { report: Diagnostic } | { reference: { from: DefinitionKey; kind: Kind; name: string; at: DocPath | Range } };

interface AnalysisRecord {
  analyzer: KindAnalyzer;
  reads: Reads;
  files?: FilesRead;
  effects: AnalyzeEffect[];
  facts: unknown;
}

/** Analyses by the document the definition came from: an unchanged file keeps its documents. */
export type AnalysisCache = WeakMap<LoadedDocument, AnalysisRecord>;

export interface BuildScope {
  stats: BuildStats;
  files: FileSnapshot;
}

/**
 * The kind analyzers, each wrapped so that a definition whose document is unchanged and whose
 * recorded reads still hold gets its earlier facts back, with its diagnostics and references
 * replayed into this build's context. Anything else runs the real analyzer, recording.
 */
export function memoizedAnalyzers(
  analyzers: ReadonlyArray<readonly [Kind, KindAnalyzer]>,
  cache: AnalysisCache,
  scope: BuildScope,
): Array<readonly [Kind, KindAnalyzer]> {
  const worlds = new WeakMap<AnalyzeContext, World>();
  const worldOf = (ctx: AnalyzeContext) => {
    let world = worlds.get(ctx);
    if (!world) {
      world = makeWorld({ definitions: ctx.definitions, factsOf: ctx.factsOf, byKind: ctx.byKind, dataModel: ctx.dataModel });
      worlds.set(ctx, world);
    }
    return world;
  };
  return analyzers.map(([kind, analyzer]) => {
    const memo: KindAnalyzer = (def, ctx) => {
      const world = worldOf(ctx);
      const earlier = cache.get(def.doc);
      if (
        earlier &&
        earlier.analyzer === analyzer &&
        readsStillHold(earlier.reads, world) &&
        (!earlier.files || scope.files.unchanged(earlier.files))
      ) {
        replay(earlier.effects, def, ctx);
        scope.stats.analyzed.reused++;
        return earlier.facts;
      }
      const recorder = new Recorder(world);
      const effects: AnalyzeEffect[] = [];
      const fresh = analyzer(def, recordingContext(ctx, recorder, effects));
      recorder.close(fresh);
      // The same facts as before hand on the same object, so what reads them is reused.
      const facts = earlier && earlier.analyzer === analyzer && deepEqual(earlier.facts, fresh) ? earlier.facts : fresh;
      const record: AnalysisRecord = { analyzer, reads: recorder.reads, effects, facts };
      const files = filesReadBy(def, facts);
      if (files) record.files = files;
      cache.set(def.doc, record);
      scope.stats.analyzed.ran++;
      scope.stats.recompiled.push(keyOf(def));
      return facts;
    };
    return [kind, memo] as const;
  });
}

function replay(effects: readonly AnalyzeEffect[], def: Definition, ctx: AnalyzeContext): void {
  const own = keyOf(def);
  for (const effect of effects) {
    if ('report' in effect) {
      ctx.report(effect.report);
      continue;
    }
    const { from, kind, name, at } = effect.reference;
    // `from` is the analyzed definition itself in every analyzer today; another one is found again.
    const source = from === own ? def : ctx.definitions.get(from);
    if (source) ctx.reference(source, kind, name, at);
  }
}

/** The analyze context as the analyzer sees it: every read recorded, every effect recorded and passed on. */
function recordingContext(ctx: AnalyzeContext, recorder: Recorder, effects: AnalyzeEffect[]): AnalyzeContext {
  const definitions = new RecordedDefinitions(ctx.definitions, recorder);
  return {
    get dataModel() {
      recorder.dataModel();
      return ctx.dataModel;
    },
    definitions,
    byKind(kind) {
      recorder.list(kind);
      return ctx.byKind(kind).map((d) => recorder.wrap(d));
    },
    lookup(kind, name) {
      const found = ctx.lookup(kind, name);
      recorder.present(definitionKey(kind, name), found !== undefined);
      return recorder.wrap(found);
    },
    report(diagnostic) {
      effects.push({ report: diagnostic });
      ctx.report(diagnostic);
    },
    reference(from, kind, name, at) {
      const source = recorder.unwrap(from);
      // Kept as the range it resolves to (a function of the document), so a replay need not find it again.
      const range = Array.isArray(at) ? ctx.rangeOf(source, at as DocPath) : at;
      effects.push({ reference: { from: keyOf(source), kind, name, at: range ?? at } });
      const target = ctx.reference(source, kind, name, at);
      recorder.present(definitionKey(kind, name), target !== undefined);
      return recorder.wrap(target);
    },
    rangeOf: (def, path, options) => ctx.rangeOf(def, path, options),
    factsOf<T>(key: DefinitionKey) {
      const facts = ctx.factsOf<T>(key);
      recorder.facts(key, facts);
      return facts;
    },
  };
}
