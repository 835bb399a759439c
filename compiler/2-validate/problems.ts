import type { ErrorObject } from 'ajv';

/** A path into a document's value; array indices are numbers. */
export type ValuePath = Array<string | number>;

/**
 * One schema problem, as Herald reports it: ajv's errors after the combinator cascade is collapsed.
 * Paths are absolute within the document (they start at the document root, e.g. ['spec', 'where']).
 */
export type Problem =
  | {
      kind: 'required';
      path: ValuePath;
      missing: string;
      /** "one of these keys" (branches that each require one key). */ oneOf?: string[];
    }
  | { kind: 'unknown-key'; path: ValuePath; key: string; allowed: string[] }
  | { kind: 'type'; path: ValuePath; expected: string[]; value: unknown }
  | { kind: 'enum'; path: ValuePath; allowed: unknown[]; value: unknown }
  | { kind: 'pattern'; path: ValuePath; pattern: string; value: unknown; examples: unknown[] }
  | { kind: 'format'; path: ValuePath; format: string; value: unknown }
  | { kind: 'range'; path: ValuePath; comparison: string; limit: number; value: unknown }
  | { kind: 'size'; path: ValuePath; keyword: string; limit: number; value: unknown }
  | { kind: 'unique'; path: ValuePath; first: number; second: number }
  | { kind: 'property-name'; path: ValuePath; name: string; pattern?: string }
  | {
      kind: 'ambiguous';
      path: ValuePath;
      reason: 'several' | 'not';
      /** For branches that each require one key: all of them, and those present. */ keys?: { all: string[]; present: string[] };
    }
  | { kind: 'dependency'; path: ValuePath; property: string; missing: string }
  | { kind: 'alternatives'; path: ValuePath; expected: Expectation[]; value: unknown }
  | { kind: 'other'; path: ValuePath; message: string };

/** What one branch of an anyOf/oneOf wanted at the place where all branches failed. */
export type Expectation = { type: string } | { values: unknown[] };

/** `/spec/steps/a~1b/0` → ['spec', 'steps', 'a/b', 0], under `base`. */
export function pointerToPath(pointer: string, base: ValuePath = []): ValuePath {
  if (pointer === '') return [...base];
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [...base, ...parts.map((p) => (/^(0|[1-9]\d*)$/.test(p) ? Number(p) : p))];
}

function schemaOf(error: ErrorObject): Record<string, unknown> {
  const s = error.parentSchema;
  return typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
}

/** The keys a mapping's schema names: what a misspelt key is compared with. */
function allowedKeys(error: ErrorObject): string[] {
  const props = schemaOf(error).properties;
  return typeof props === 'object' && props !== null ? Object.keys(props) : [];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** One ajv error (not anyOf/oneOf/propertyNames/if, which the collapser handles) → one problem. */
export function problemFromError(error: ErrorObject, base: ValuePath): Problem {
  const path = pointerToPath(error.instancePath, base);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { kind: 'required', path, missing: String(p.missingProperty) };
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return { kind: 'unknown-key', path, key: String(p.additionalProperty ?? p.unevaluatedProperty), allowed: allowedKeys(error) };
    case 'type':
      return { kind: 'type', path, expected: String(p.type).split(','), value: error.data };
    case 'enum':
      return { kind: 'enum', path, allowed: asArray(p.allowedValues), value: error.data };
    case 'const':
      return { kind: 'enum', path, allowed: [p.allowedValue], value: error.data };
    case 'pattern': {
      const examples = schemaOf(error).examples;
      return { kind: 'pattern', path, pattern: String(p.pattern), value: error.data, examples: Array.isArray(examples) ? examples : [] };
    }
    case 'format':
      return { kind: 'format', path, format: String(p.format), value: error.data };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { kind: 'range', path, comparison: String(p.comparison), limit: Number(p.limit), value: error.data };
    case 'multipleOf':
      return { kind: 'range', path, comparison: 'a multiple of', limit: Number(p.multipleOf), value: error.data };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return { kind: 'size', path, keyword: error.keyword, limit: Number(p.limit), value: error.data };
    case 'uniqueItems':
      return { kind: 'unique', path, first: Math.min(Number(p.i), Number(p.j)), second: Math.max(Number(p.i), Number(p.j)) };
    case 'dependencies':
    case 'dependentRequired':
      return { kind: 'dependency', path, property: String(p.property), missing: String(p.missingProperty) };
    case 'not':
      return { kind: 'ambiguous', path, reason: 'not' };
    default:
      return { kind: 'other', path, message: error.message ?? `fails the schema's "${error.keyword}" rule` };
  }
}
