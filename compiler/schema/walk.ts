import type { JsonSchema } from './files.ts';

/** A value in a document whose schema carries a Herald annotation keyword. */
export interface MarkedValue {
  path: Array<string | number>;
  value: unknown;
  /** The keyword's value in the schema, e.g. "customer" for x-herald-rule, "Segment" for x-herald-ref. */
  mark: unknown;
}

/**
 * Walks `value` alongside `schema` and returns every value whose (sub)schema has `keyword`.
 * This is how phase 1 finds rule-DSL strings (`x-herald-rule`) and phase 3 finds references to
 * other definitions (`x-herald-ref`) without a second, hand-kept list of paths.
 *
 * Handles properties, patternProperties, additionalProperties, items, local `$ref`s into
 * `definitions`, allOf, and anyOf/oneOf (every branch whose `type` admits the value; a value
 * found by several branches is reported once).
 */
export function findMarked(schema: JsonSchema, value: unknown, keyword: string, basePath: Array<string | number> = []): MarkedValue[] {
  const found = new Map<string, MarkedValue>();
  visit(schema, schema, value, basePath, keyword, found, 0);
  return [...found.values()];
}

const MAX_DEPTH = 64;

function visit(
  root: JsonSchema,
  schema: unknown,
  value: unknown,
  path: Array<string | number>,
  keyword: string,
  found: Map<string, MarkedValue>,
  depth: number,
): void {
  if (depth > MAX_DEPTH || typeof schema !== 'object' || schema === null) return;
  const s = resolveRef(root, schema as JsonSchema);
  if (!admitsType(s, value)) return;
  if (keyword in s && value !== undefined) {
    const key = JSON.stringify(path);
    if (!found.has(key)) found.set(key, { path: [...path], value, mark: s[keyword] });
  }
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[combinator];
    if (Array.isArray(branches)) for (const b of branches) visit(root, b, value, path, keyword, found, depth + 1);
  }
  if (s.if !== undefined) {
    for (const b of [s.then, s.else]) if (b !== undefined) visit(root, b, value, path, keyword, found, depth + 1);
  }
  if (Array.isArray(value)) {
    const items = s.items;
    value.forEach((item, i) => {
      const itemSchema = Array.isArray(items) ? items[i] : items;
      if (itemSchema !== undefined) visit(root, itemSchema, item, [...path, i], keyword, found, depth + 1);
    });
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const patterns = (s.patternProperties ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      let matched = false;
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        visit(root, props[k], v, [...path, k], keyword, found, depth + 1);
        matched = true;
      }
      for (const [pattern, sub] of Object.entries(patterns)) {
        if (new RegExp(pattern, 'u').test(k)) {
          visit(root, sub, v, [...path, k], keyword, found, depth + 1);
          matched = true;
        }
      }
      if (!matched && typeof s.additionalProperties === 'object') {
        visit(root, s.additionalProperties, v, [...path, k], keyword, found, depth + 1);
      }
    }
  }
}

/** A local `$ref` (`#/definitions/…`, JSON Pointer escapes) followed to its target, up to 16 hops. */
export function resolveRef(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 16 && typeof s.$ref === 'string' && s.$ref.startsWith('#/'); i++) {
    let target: unknown = root;
    for (const part of s.$ref.slice(2).split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (typeof target !== 'object' || target === null) break;
    s = target as JsonSchema;
  }
  return s;
}

function admitsType(schema: JsonSchema, value: unknown): boolean {
  const t = schema.type;
  if (t === undefined) return true;
  const types = Array.isArray(t) ? t : [t];
  return types.some((type) => {
    switch (type) {
      case 'string':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number';
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      default:
        return true;
    }
  });
}
