import type { Diagnostic, Range } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey, Kind } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import type { DataModel } from '../contract/data-model.ts';

/** A path into a document's value, e.g. `['spec', 'steps', 'remind', 'send']`. */
export type DocPath = ReadonlyArray<string | number>;

/**
 * What a kind analyzer (one per kind, in `3-analyze/kinds/`) may use. Analyzers never mutate
 * definitions; they report diagnostics, declare references (which build the dependency graph)
 * and return facts for the emit phase.
 */
export interface AnalyzeContext {
  dataModel: DataModel;
  /** Every valid definition, by `Kind/name`. */
  definitions: ReadonlyMap<DefinitionKey, Definition>;
  byKind(kind: Kind): Definition[];
  lookup(kind: Kind, name: string): Definition | undefined;
  report(diagnostic: Diagnostic): void;
  /**
   * Declares that `from` uses `kind/name`. Resolves it: an unknown name is reported (with a
   * did-you-mean) at `at`, and a known one becomes a dependency edge. Returns the target if found.
   */
  reference(from: Definition, kind: Kind, name: string, at: DocPath | Range): Definition | undefined;
  /** The range of the value (or, with `key: true`, the key) at `path`; the nearest existing parent otherwise. */
  rangeOf(def: Definition, path: DocPath, options?: { key?: boolean }): Range | undefined;
  /** Facts another kind's analyzer already produced (analyzers run in dependency-free kind order). */
  factsOf<T = unknown>(key: DefinitionKey): T | undefined;
}

/** One analyzer per kind; returns the facts the emit phase needs for that definition (or undefined). */
export type KindAnalyzer = (def: Definition, ctx: AnalyzeContext) => unknown;
