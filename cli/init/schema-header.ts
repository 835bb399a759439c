import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SCHEMAS_DIR } from '../../compiler/schema/files.ts';

const SCHEMA_FILE = 'herald.schema.json';
const HEADER = /^# yaml-language-server: \$schema=(\S+)\s*$/;

/**
 * Where generated YAML files point editors for autocomplete and hover docs (the Red Hat YAML
 * extension reads the `# yaml-language-server: $schema=` comment on a file's first line):
 * 1. what `--schema` says (a path, made absolute, or an http(s) URL);
 * 2. for `herald new`, what the workspace's herald.yaml already points at, so files agree;
 * 3. herald installed in the project (`node_modules/herald/schemas/`, found from the workspace up),
 *    which stays right on every teammate's machine after `npm install`;
 * 4. the schemas of the herald that is running.
 * Files carry the location relative to themselves (a URL as it is).
 */
export function schemaLocation(workspace: string, override?: string, cwd = process.cwd()): string {
  if (override !== undefined) return /^https?:\/\//.test(override) ? override : resolve(cwd, override);
  const fromWorkspace = headerTarget(join(workspace, 'herald.yaml'));
  if (fromWorkspace) return fromWorkspace;
  for (let dir = resolve(workspace); ; dir = dirname(dir)) {
    const installed = join(dir, 'node_modules', 'herald', 'schemas', SCHEMA_FILE);
    if (existsSync(installed)) return installed;
    if (dirname(dir) === dir) break;
  }
  return join(SCHEMAS_DIR, SCHEMA_FILE);
}

/** The header line for a file at `fileAbs`. */
export function schemaHeader(fileAbs: string, location: string): string {
  if (/^https?:\/\//.test(location)) return `# yaml-language-server: $schema=${location}`;
  const rel = relative(dirname(fileAbs), location).split(sep).join('/');
  return `# yaml-language-server: $schema=${rel.startsWith('.') ? rel : `./${rel}`}`;
}

/** A YAML text with its first line set to the header (replacing one that is already there). */
export function withSchemaHeader(text: string, fileAbs: string, location: string): string {
  const lines = text.split('\n');
  if (HEADER.test(lines[0] ?? '')) lines.shift();
  return `${schemaHeader(fileAbs, location)}\n${lines.join('\n')}`;
}

/** The absolute schema location a file's header names, if it has one. */
function headerTarget(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const target = HEADER.exec(first)?.[1];
  if (!target) return undefined;
  if (/^https?:\/\//.test(target)) return target;
  return isAbsolute(target) ? target : resolve(dirname(file), target);
}
