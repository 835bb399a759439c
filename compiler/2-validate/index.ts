import type { LoadResult } from '../1-load/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Definition } from '../1-load/definition.ts';
import { normalizeDataModel } from './data-model.ts';
import { validateDocument } from './document.ts';
import type { ValidateResult } from './result.ts';
import { shippedSchemas, type SchemaRegistry } from './schema-registry.ts';
import { checkWorkspacePlacement } from './workspace.ts';
import { append } from '../util/append.ts';

export type { ValidateResult } from './result.ts';
export { SchemaRegistry, shippedSchemas, readSchemaOverrides } from './schema-registry.ts';

export interface ValidateOptions {
  /** The schemas to check against; the ones shipped in schemas/ by default (tests pass others). */
  schemas?: SchemaRegistry;
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
  const placement = checkWorkspacePlacement(loaded);
  append(diagnostics, placement.diagnostics);
  for (const doc of loaded.documents) {
    const checked = validateDocument(doc, registry);
    append(diagnostics, checked.diagnostics);
    if (checked.definition && !placement.misplaced.has(doc)) definitions.push(checked.definition);
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
  }
  return result;
}
