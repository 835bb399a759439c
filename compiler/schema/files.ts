import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kind } from '../contract/definition.ts';

/** The folder of JSON Schemas shipped with Herald: the single source for the CLI, tests and editors. */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export type JsonSchema = Record<string, unknown>;

const cache = new Map<string, JsonSchema>();

/** Reads a schema file under schemas/ (cached; the files do not change while a process runs). */
export function readSchema(relativePath: string): JsonSchema {
  let schema = cache.get(relativePath);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, relativePath), 'utf8')) as JsonSchema;
    cache.set(relativePath, schema);
  }
  return schema;
}

/** The schema of a kind's `spec`: schemas/kinds/<kind>.schema.json. */
export function kindSpecSchema(kind: Kind): JsonSchema {
  return readSchema(`kinds/${kind.toLowerCase()}.schema.json`);
}
