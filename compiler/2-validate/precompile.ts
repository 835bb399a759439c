import { fileURLToPath } from 'node:url';
import { _ } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { SCHEMAS_DIR } from '../schema/files.ts';
import { SchemaRegistry } from './schema-registry.ts';
import { forEachSchemaPart } from './schema-ids.ts';

// ajv's standalone module is CommonJS; depending on the loader its function is the module or its `default`.
type StandaloneCode = (ajv: SchemaRegistry['ajv'], refs: Record<string, string>) => string;
const standaloneCode = ((standaloneModule as unknown as { default?: StandaloneCode }).default ??
  standaloneModule) as unknown as StandaloneCode;

/** Keywords whose subschemas the collapser re-validates on their own (collapse.ts), by pointer. */
const BRANCHING = ['anyOf', 'oneOf'];
const SINGLE = ['propertyNames', 'contains'];

/**
 * The standalone (CommonJS) source of every validator the validation phase may ask for: each
 * schema file, and each branch of an anyOf/oneOf and each propertyNames/contains schema that the
 * collapser re-validates in its own context. The code still `require`s ajv's small run-time
 * helpers and schema-formats; `npm run build` bundles it into one file (precompiled-schemas.cjs).
 */
export function precompiledSchemaSource(dir: string = SCHEMAS_DIR): string {
  const formats = fileURLToPath(new URL(`./schema-formats${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  const registry = new SchemaRegistry(dir, new Map(), { source: true, formats: _`require(${formats}).schemaFormats` });
  const refs: string[] = [];
  for (const [id, root] of registry.roots) {
    refs.push(id);
    forEachSchemaPart(root, `${id}#`, (part, pointer) => {
      if (Array.isArray(part)) return;
      for (const [key, value] of Object.entries(part)) {
        const at = `${pointer}/${key}`;
        if (BRANCHING.includes(key) && Array.isArray(value)) value.forEach((_branch, k) => refs.push(`${at}/${k}`));
        else if (SINGLE.includes(key) && typeof value === 'object' && value !== null) refs.push(at);
      }
    });
  }
  // A ref that does not compile stays out: asked for, it is an Error, as the live registry's would be.
  const compiled = refs.filter((ref) => !(registry.validator(ref) instanceof Error));
  const code = standaloneCode(registry.ajv, Object.fromEntries(compiled.map((ref) => [ref, ref])));
  // The schema objects the validators reference (their errors carry them), with their pointers.
  const parts: string[] = [];
  for (const [id, root] of registry.roots) {
    forEachSchemaPart(root, `${id}#`, (part, pointer) => {
      const name = registry.ajv.scope.getValue('schema', part);
      if (name !== undefined && code.includes(`const ${name.str} =`)) parts.push(`[${JSON.stringify(pointer)}, ${name.str}]`);
    });
  }
  const broken = Object.fromEntries(registry.brokenFiles);
  return `${code}\nexports.__parts = [${parts.join(', ')}];\nexports.__broken = ${JSON.stringify(broken)};\n`;
}
