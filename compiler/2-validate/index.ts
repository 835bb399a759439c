import type { LoadResult } from '../1-load/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Definition } from '../1-load/definition.ts';
import { normalizeDataModel } from './data-model.ts';
import { validateDocument } from './document.ts';
import type { ValidateResult } from './result.ts';
import { shippedSchemas } from './shipped-schemas.ts';
import type { Schemas } from './schema-ids.ts';
import { checkWorkspacePlacement } from './workspace.ts';
import type { ValuePath } from './problems.ts';
import { append } from '../util/append.ts';

export type { ValidateResult } from './result.ts';
export { shippedSchemas } from './shipped-schemas.ts';
export type { Schemas } from './schema-ids.ts';

export interface ValidateOptions {
  /** The schemas to check against; the ones shipped in schemas/ by default (tests pass others). */
  schemas?: Schemas;
}

/**
 * Phase 2 entry: every loaded document checked against its JSON Schema (the envelope, then the
 * kind's spec), one diagnostic per problem at its YAML position; the Workspace document placed and
 * its data model normalized. Documents with errors are dropped from `definitions`. Never throws
 * for bad input.
 */
export function validate(loaded: LoadResult, options: ValidateOptions = {}): ValidateResult {
  const registry = options.schemas ?? shippedSchemas();
  const diagnostics: Diagnostic[] = [];
  const definitions: Definition[] = [];
  let partialWorkspace: { definition: Definition; errorPaths: ValuePath[] } | undefined;
  const placement = checkWorkspacePlacement(loaded);
  append(diagnostics, placement.diagnostics);
  for (const doc of loaded.documents) {
    const checked = validateDocument(doc, registry);
    append(diagnostics, checked.diagnostics);
    if (placement.misplaced.has(doc)) continue;
    if (checked.definition) definitions.push(checked.definition);
    else if (checked.partial?.definition.kind === 'Workspace' && !partialWorkspace) partialWorkspace = checked.partial;
  }
  const result: ValidateResult = { definitions, diagnostics };
  const workspace = definitions.find((d) => d.kind === 'Workspace');
  if (workspace) {
    const model = normalizeDataModel(workspace.spec, workspace.doc);
    append(diagnostics, model.diagnostics);
    if (model.diagnostics.length === 0) {
      result.workspace = workspace;
      result.dataModel = model.dataModel;
    } else {
      definitions.splice(definitions.indexOf(workspace), 1);
    }
  } else if (partialWorkspace && !partialWorkspace.errorPaths.some(touchesDataModel)) {
    // herald.yaml has errors (a bad metadata.name, a delivery block), but none in its data model:
    // every rule elsewhere can still be type-checked against it, so those errors are not hidden.
    // The Workspace itself stays invalid: nothing is emitted and nothing may reference it.
    const model = normalizeDataModel(partialWorkspace.definition.spec, partialWorkspace.definition.doc);
    diagnostics.push(...model.diagnostics);
    if (model.diagnostics.length === 0) result.dataModel = model.dataModel;
  }
  return result;
}

/** The parts of the Workspace spec the data model is made of. */
const DATA_MODEL_PATHS: readonly ValuePath[] = [
  ['spec', 'customers'],
  ['spec', 'events'],
  ['spec', 'items'],
];

/** Whether an error at `path` lies inside the data model or above it (the spec itself, the document). */
function touchesDataModel(path: ValuePath): boolean {
  return DATA_MODEL_PATHS.some((root) => {
    const n = Math.min(root.length, path.length);
    for (let i = 0; i < n; i++) if (root[i] !== path[i]) return false;
    return true;
  });
}
