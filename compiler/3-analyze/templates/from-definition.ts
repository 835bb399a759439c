import type { Definition } from '../../1-load/definition.ts';
import type { DataModel } from '../../contract/data-model.ts';
import type { TemplateInput } from './prepare.ts';
import type { TemplateSpec } from './spec.ts';
import type { TemplateNames } from './variables.ts';
import type { RuleValueType } from '../../contract/compiled-sql.ts';
import { traitOutputs } from '../rules/trait-outputs.ts';
import type { RuleType } from '../rules/types.ts';

/** A Template definition as the template steps take it. */
export function templateInput(def: Definition): TemplateInput {
  const file = def.doc.file;
  // absPath = root + '/' + path; the root is what partial paths are checked against.
  const root = file.absPath.slice(0, file.absPath.length - file.path.length).replace(/[\\/]+$/, '');
  return { name: def.name, spec: def.spec as unknown as TemplateSpec, root, yamlFile: file, doc: def.doc.yaml, specPath: ['spec'] };
}

/** The names a template may read, from the data model and the other definitions. */
export function templateNames(dataModel: DataModel, byKind: (kind: 'Trait' | 'Model' | 'Segment') => Definition[]): TemplateNames {
  const traits = byKind('Trait');
  return {
    customerFields: Object.keys(dataModel.customers.fields),
    itemFields: Object.keys(dataModel.items.fields),
    traits: traits.map((d) => d.name),
    models: byKind('Model').map((d) => d.name),
    segments: byKind('Segment').map((d) => d.name),
    ruleSchema: {
      dataModel,
      traits: Object.fromEntries(
        traits.map((d) => [d.name, traitOutputs(d).map((o) => ({ name: o.output || 'value', type: valueType(o.type) }))]),
      ),
    },
  };
}

/** A rule type as trait tables store it (an undeclared type is read as text). */
function valueType(type: RuleType): RuleValueType {
  return type.kind === 'number' || type.kind === 'boolean' || type.kind === 'timestamp' ? type.kind : 'string';
}
