import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { SCHEMAS_DIR } from '../schema/files.ts';
import type { Kind } from '../contract/definition.ts';
import { isTimeZone } from '../contract/core/zones.ts';

// ajv-formats is CommonJS; depending on the loader its plugin is the module or its `default`.
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as unknown as FormatsPlugin;

/** Where every schema file is published; `$id`s and relative `$ref`s resolve against it. */
export const SCHEMA_BASE_URI = 'https://herald.dev/schemas/';
export const ENVELOPE_ID = `${SCHEMA_BASE_URI}envelope.schema.json`;

export function kindSchemaId(kind: Kind): string {
  return `${SCHEMA_BASE_URI}kinds/${kind.toLowerCase()}.schema.json`;
}

/** Annotation keywords editors and Herald read; ajv must accept them in strict mode and ignore them. */
const ANNOTATION_KEYWORDS = ['x-herald-rule', 'x-herald-ref', 'markdownDescription', 'defaultSnippets', 'deprecationMessage', 'errorMessage', 'doNotSuggest'];

/** Custom string formats Herald's schemas may use (besides ajv-formats' date, date-time, email, uri, ...). */
const HERALD_FORMATS: Record<string, (value: string) => boolean> = {
  'iana-time-zone': isTimeZone,
};

export type Validator = ValidateFunction;

/**
 * Every JSON Schema under a schemas folder, loaded into one ajv instance (so `$ref`s across files
 * resolve), with compiled validators cached. The folder is read at run time: the schema files are
 * the single source shared by the CLI, the tests and editors.
 */
export class SchemaRegistry {
  readonly ajv: Ajv;
  /** Problems reading or registering a file, by schema id; reported when a kind needs that schema. */
  private readonly brokenFiles = new Map<string, string>();
  private readonly compiled = new Map<string, Validator | Error>();
  /** Every object and array inside every schema → `id#/json/pointer`, to re-validate a branch of anyOf/oneOf in context. */
  private readonly pointers = new WeakMap<object, string>();

  constructor(readonly dir: string = SCHEMAS_DIR, overrides: ReadonlyMap<string, AnySchemaObject> = new Map()) {
    this.ajv = new Ajv({
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
    for (const [name, check] of Object.entries(HERALD_FORMATS)) this.ajv.addFormat(name, { type: 'string', validate: check });
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

let defaultRegistry: SchemaRegistry | undefined;

/** The registry of the schemas shipped with Herald, built once per process. */
export function shippedSchemas(): SchemaRegistry {
  defaultRegistry ??= new SchemaRegistry();
  return defaultRegistry;
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

function indexPointers(node: unknown, pointer: string, into: WeakMap<object, string>, depth = 0): void {
  if (depth > 64 || typeof node !== 'object' || node === null) return;
  if (!into.has(node)) into.set(node, pointer);
  if (Array.isArray(node)) {
    node.forEach((item, i) => indexPointers(item, `${pointer}/${i}`, into, depth + 1));
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    indexPointers(value, `${pointer}/${encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'))}`, into, depth + 1);
  }
}
