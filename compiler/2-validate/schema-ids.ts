import type { ValidateFunction } from 'ajv';
import type { Kind } from '../contract/definition.ts';

/** Where every schema file is published; `$id`s and relative `$ref`s resolve against it. */
export const SCHEMA_BASE_URI = 'https://herald.dev/schemas/';
export const ENVELOPE_ID = `${SCHEMA_BASE_URI}envelope.schema.json`;

export function kindSchemaId(kind: Kind): string {
  return `${SCHEMA_BASE_URI}kinds/${kind.toLowerCase()}.schema.json`;
}

export type Validator = ValidateFunction;

/**
 * What validation needs of a set of schemas: a validator per schema id (or `id#/pointer`), and
 * where a schema part that ajv hands back in an error lives. Two implementations: the schemas
 * compiled by ajv at run time (`SchemaRegistry`), and the same validators compiled at build time
 * into standalone code (`PrecompiledSchemas`), which the built CLI loads instead.
 */
export interface Schemas {
  /** The validator for a schema id (optionally `id#/pointer`), or the error that prevents using it. */
  validator(ref: string): Validator | Error;
  /** `id#/json/pointer` of a schema object or array (ajv hands the very objects back in errors). */
  pointerOf(schemaPart: unknown): string | undefined;
}

/** Visits every object and array inside a schema with its `id#/json/pointer`, parents first. */
export function forEachSchemaPart(node: unknown, pointer: string, visit: (part: object, pointer: string) => void, depth = 0): void {
  if (depth > 64 || typeof node !== 'object' || node === null) return;
  visit(node, pointer);
  if (Array.isArray(node)) {
    node.forEach((item, i) => forEachSchemaPart(item, `${pointer}/${i}`, visit, depth + 1));
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    forEachSchemaPart(value, `${pointer}/${encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'))}`, visit, depth + 1);
  }
}

/** Indexes every part of a schema by identity (the first pointer wins: JSON has no shared parts). */
export function indexPointers(root: unknown, pointer: string, into: WeakMap<object, string>): void {
  forEachSchemaPart(root, pointer, (part, at) => {
    if (!into.has(part)) into.set(part, at);
  });
}
