import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Definition } from '../1-load/definition.ts';
import type { DataModel } from '../contract/data-model.ts';

/** What phase 2 hands on: schema-valid definitions (invalid documents are dropped with diagnostics). */
export interface ValidateResult {
  /** The Workspace document (herald.yaml), when it is valid. */
  workspace?: Definition;
  /** Its data model, normalized. Present whenever `workspace` is. */
  dataModel?: DataModel;
  definitions: Definition[];
  diagnostics: Diagnostic[];
}
