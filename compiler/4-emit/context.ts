import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import type { DataModel } from '../contract/data-model.ts';

export interface EmitContext {
  dataModel: DataModel;
  definitions: ReadonlyMap<DefinitionKey, Definition>;
  factsOf<T = unknown>(key: DefinitionKey): T | undefined;
  report(diagnostic: Diagnostic): void;
  /** Adds a file under build/ (relative path, forward slashes), e.g. `sql/sqlite/segments/vip.sql`. */
  writeFile(path: string, content: string): void;
}

/**
 * One emitter per kind (in `4-emit/kinds/`); returns the definition's `compiled` block in the
 * manifest (JSON-serializable, deterministic: no clock, no randomness, sorted keys where order is free).
 */
export type KindEmitter = (def: Definition, ctx: EmitContext) => unknown;
