/**
 * Reading build/manifest.json: the one door through which a compiled workspace enters the runtime.
 * The file is checked against schemas/manifest.schema.json and its format version against the one
 * this Herald writes, so a damaged, hand-edited or foreign manifest is refused with a clear reason
 * instead of failing somewhere deep in a run.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Manifest } from './manifest.ts';
import { MANIFEST_VERSION } from './version.ts';
import { EXIT_ERRORS, HeraldError } from './errors.ts';

/** The manifest could not be read: a missing, damaged or incompatible build folder. */
export class ManifestError extends HeraldError {
  constructor(message: string) {
    super(message, EXIT_ERRORS);
  }
}

const SCHEMA_URL = new URL('../../schemas/manifest.schema.json', import.meta.url);
let validator: ValidateFunction | undefined;

function manifestValidator(): ValidateFunction {
  if (!validator) {
    // `discriminator`: a rule AST node or a journey step with a wrong shape is checked against its
    // own `kind`'s schema only, so the error names what is wrong with it rather than every other kind.
    const ajv = new Ajv({ allErrors: false, strict: false, discriminator: true });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  }
  return validator;
}

/**
 * Where and why the first schema error is, in words. A problem inside a definition names the
 * definition and the path in it (`definition Segment/x, at compiled.sql.postgres: must have
 * required property 'sql'`); anything else gives the JSON pointer (`/graph: ...`).
 */
function describe(error: ErrorObject): string {
  const detail = error.params && 'allowedValues' in error.params ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
  const tag = error.keyword === 'discriminator' ? (error.params as { tag?: string; tagValue?: unknown }) : undefined;
  const why = tag
    ? `${tag.tag} ${JSON.stringify(tag.tagValue)} is not one this manifest format knows here`
    : `${error.message ?? 'is invalid'}${detail}`;
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'definitions' && parts[1] !== undefined) {
    const inside = parts.slice(2);
    return `definition ${parts[1]}${inside.length ? `, at ${inside.join('.')}` : ''}: ${why}`;
  }
  return `${error.instancePath === '' ? 'the top level' : error.instancePath}: ${why}`;
}

/**
 * Checks an already-parsed manifest: the format version first (a newer or older format explains
 * itself better than the schema errors it would cause), then the schema. `label` names the file.
 */
export function checkManifest(value: unknown, label: string): Manifest {
  const m = value as { metadata?: { manifest_version?: unknown; herald_version?: unknown } } | null;
  if (!m || typeof m !== 'object' || Array.isArray(m) || !m.metadata || typeof m.metadata !== 'object') {
    throw new ManifestError(`${label} is not a Herald manifest (metadata missing); run \`herald compile\` again`);
  }
  const version = m.metadata.manifest_version;
  if (version !== MANIFEST_VERSION) {
    const by = typeof m.metadata.herald_version === 'string' ? ` (written by Herald ${m.metadata.herald_version})` : '';
    throw new ManifestError(
      `${label} has manifest_version ${JSON.stringify(version)}${by}, but this Herald reads version ${MANIFEST_VERSION}; run \`herald compile\` again with this version`,
    );
  }
  const validate = manifestValidator();
  if (!validate(value)) {
    throw new ManifestError(`${label} is not a valid Herald manifest: ${describe(validate.errors![0]!)}; run \`herald compile\` again`);
  }
  return value as Manifest;
}

/** Reads, parses and checks a manifest file. */
export async function loadManifestFile(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ManifestError(`no manifest at ${path}; run \`herald compile\` first`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${path} is not valid JSON (${(e as Error).message}); run \`herald compile\` again`);
  }
  return checkManifest(parsed, path);
}
