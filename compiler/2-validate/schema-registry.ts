import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type CodeOptions } from 'ajv';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { SCHEMAS_DIR } from '../schema/files.ts';
import { HERALD_FORMATS } from './schema-formats.ts';
import { indexPointers, SCHEMA_BASE_URI, type Schemas, type Validator } from './schema-ids.ts';

export { ENVELOPE_ID, kindSchemaId, SCHEMA_BASE_URI, type Schemas, type Validator } from './schema-ids.ts';

// ajv-formats is CommonJS; depending on the loader its plugin is the module or its `default`.
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as unknown as FormatsPlugin;

/** Annotation keywords editors and Herald read; ajv must accept them in strict mode and ignore them. */
const ANNOTATION_KEYWORDS = [
  'x-herald-rule',
  'x-herald-ref',
  'markdownDescription',
  'defaultSnippets',
  'deprecationMessage',
  'errorMessage',
  'doNotSuggest',
];

/**
 * Every JSON Schema under a schemas folder, loaded into one ajv instance (so `$ref`s across files
 * resolve), with compiled validators cached. The folder is read at run time: the schema files are
 * the single source shared by the CLI, the tests and editors.
 */
export class SchemaRegistry implements Schemas {
  readonly ajv: Ajv;
  /** Every schema registered, by id (for the build-time compiler of standalone validators). */
  readonly roots = new Map<string, AnySchemaObject>();
  /** Problems reading or registering a file, by schema id; reported when a kind needs that schema. */
  readonly brokenFiles = new Map<string, string>();
  private readonly compiled = new Map<string, Validator | Error>();
  /** Every object and array inside every schema → `id#/json/pointer`, to re-validate a branch of anyOf/oneOf in context. */
  private readonly pointers = new WeakMap<object, string>();

  /** `code`: ajv's code options; `{ source: true, ... }` keeps each validator's source for standalone code. */
  constructor(
    readonly dir: string = SCHEMAS_DIR,
    overrides: ReadonlyMap<string, AnySchemaObject> = new Map(),
    code?: CodeOptions,
  ) {
    this.ajv = new Ajv({
      ...(code ? { code } : {}),
      allErrors: true,
      verbose: true,
      strict: true,
      // Kind schemas are written by several people; type-shape strictness would turn style into failures.
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(this.ajv);
    for (const [name, format] of Object.entries(HERALD_FORMATS)) this.ajv.addFormat(name, format);
    const files = new Map<string, AnySchemaObject>();
    for (const rel of listSchemaFiles(dir)) {
      try {
        files.set(rel, JSON.parse(readFileSync(join(dir, rel), 'utf8')) as AnySchemaObject);
      } catch (e) {
        this.brokenFiles.set(SCHEMA_BASE_URI + rel, `${rel}: ${(e as Error).message}`);
      }
    }
    for (const [rel, schema] of overrides) files.set(rel, schema);
    const keywords = new Set(ANNOTATION_KEYWORDS);
    for (const schema of files.values()) collectExtensionKeywords(schema, keywords);
    for (const keyword of keywords) this.ajv.addKeyword({ keyword });
    for (const [rel, schema] of files) {
      // A file without `$id` gets the id of its place, so relative references still resolve.
      const withId: AnySchemaObject = typeof schema.$id === 'string' ? schema : { ...schema, $id: SCHEMA_BASE_URI + rel };
      const id = withId.$id as string;
      try {
        this.ajv.addSchema(withId);
        indexPointers(withId, `${id}#`, this.pointers);
        this.roots.set(id, withId);
      } catch (e) {
        this.brokenFiles.set(id, `${rel}: ${(e as Error).message}`);
      }
    }
  }

  /** The compiled validator for a schema id (optionally `id#/pointer`), or the error that prevents compiling it. */
  validator(ref: string): Validator | Error {
    let v = this.compiled.get(ref);
    if (v === undefined) {
      const base = ref.split('#')[0]!;
      const broken = this.brokenFiles.get(base);
      if (broken !== undefined) {
        v = new Error(broken);
      } else {
        try {
          v = ref.includes('#') ? this.ajv.compile({ $ref: ref }) : (this.ajv.getSchema(ref) ?? new Error(`no schema ${ref}`));
        } catch (e) {
          v = new Error(`${ref.slice(SCHEMA_BASE_URI.length)}: ${(e as Error).message}`);
        }
      }
      this.compiled.set(ref, v);
    }
    return v;
  }

  /** `id#/pointer` of a schema object or array registered here (ajv hands the very objects back in errors). */
  pointerOf(schemaPart: unknown): string | undefined {
    return typeof schemaPart === 'object' && schemaPart !== null ? this.pointers.get(schemaPart) : undefined;
  }
}

/** Reads a folder of schema overrides (tests): `<dir>/**\/*.schema.json`, keyed like the shipped files. */
export function readSchemaOverrides(dir: string): Map<string, AnySchemaObject> {
  const out = new Map<string, AnySchemaObject>();
  for (const rel of listSchemaFiles(dir)) out.set(rel, JSON.parse(readFileSync(join(dir, rel), 'utf8')) as AnySchemaObject);
  return out;
}

function listSchemaFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(join(dir, rel)).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const path = rel === '' ? name : `${rel}/${name}`;
    if (statSync(join(dir, path)).isDirectory()) out.push(...listSchemaFiles(dir, path));
    else if (name.endsWith('.schema.json')) out.push(path);
  }
  return out;
}

/** `x-…` keys used as keywords anywhere in a schema (vendor extensions are annotations by convention). */
function collectExtensionKeywords(node: unknown, into: Set<string>, depth = 0): void {
  if (depth > 64 || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) collectExtensionKeywords(item, into, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-')) into.add(key);
    // `properties` and the like are maps of names, not keywords; their values are schemas again.
    collectExtensionKeywords(value, into, depth + 1);
  }
}
