import { resolve } from 'node:path';
import type { CliIO } from './command.ts';
import { EXIT_ERRORS, EXIT_USAGE, UsageError } from './command.ts';
import { runPipeline } from '../compiler/index.ts';
import { hasErrors } from '../compiler/diagnostics/diagnostic.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { DatabaseUrlError, redactUrl } from '../runtime/db/url.ts';
import type { Database } from '../runtime/db/database.ts';
import { obtainManifest, traitTableSpecs } from '../runtime/manifest.ts';
import { utcInstant } from '../compiler/contract/core/instants.ts';
import { printDiagnostics } from './print-diagnostics.ts';
import { chooseDatabase } from './database-choice.ts';
import { reportFailure } from './failure.ts';
import { HeraldError } from '../compiler/contract/errors.ts';

/**
 * The glue every runtime command shares: compile the workspace in-process, print its diagnostics,
 * open the database (`--db`, else HERALD_DATABASE_URL, else the workspace's `database`), bring its
 * schema up to date, and map the runtime's typed errors to exit codes without stack traces.
 */

/** A failure already explained to the user: the command exits with `exitCode`, printing `message`. */
export class CommandFailure extends HeraldError {
  constructor(message: string, exitCode: number) {
    super(message, exitCode);
  }
}

/** Compiles the workspace in `dir`; prints diagnostics to stderr; undefined when it has errors. */
export function compileWorkspace(dir: string, io: CliIO): Manifest | undefined {
  const result = runPipeline(dir, { emit: true });
  printDiagnostics(result.diagnostics, { format: 'brief', io, to: 'stderr' });
  if (hasErrors(result.diagnostics) || !result.emitted) return undefined;
  return result.emitted.manifest;
}

export { chooseDatabase, chooseDatabaseOf, type DatabaseChoice } from './database-choice.ts';

export interface OpenedWorkspace {
  dir: string;
  manifest: Manifest;
  db: Database;
}

/**
 * Compiles the workspace and opens its database with the schema migrated and synced to the
 * manifest's data model. Returns an exit code instead when the workspace has errors (already printed).
 */
export async function openWorkspace(options: {
  dir: string;
  db?: string;
  io: CliIO;
  manifest?: Manifest;
}): Promise<OpenedWorkspace | number> {
  const { io } = options;
  const dir = resolve(io.cwd, options.dir);
  // A caller that compiled already (the main job, which also writes build/) passes its manifest.
  const manifest = options.manifest ?? (await obtainManifest({ kind: 'compile', compile: () => compileWorkspace(dir, io) }));
  if (!manifest) {
    io.stderr.write('the workspace has errors (above); fix them and run again\n');
    return EXIT_ERRORS;
  }
  const choice = chooseDatabase(options.db, io.env, manifest);
  let db: Database;
  try {
    db = openDatabase(choice.url, { baseDir: dir });
  } catch (e) {
    if (e instanceof DatabaseUrlError) {
      // A bad --db is a usage mistake; a bad URL in the environment or herald.yaml is a configuration error.
      if (choice.origin === '--db') throw new UsageError(`--db: ${e.message}`);
      throw new CommandFailure(`${choice.origin}: ${e.message}`, EXIT_ERRORS);
    }
    throw describeDatabaseError(e, choice.url);
  }
  try {
    await migrate(db);
    await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
  } catch (e) {
    await db.close().catch(() => undefined);
    throw describeDatabaseError(e, choice.url);
  }
  return { dir, manifest, db };
}

/**
 * Runs a runtime command body, turning the runtime's typed errors (each a `HeraldError` with its
 * exit code: 1 for definitions or data that cannot work, 2 for an unreachable or busy database)
 * into messages. Anything else is a bug and reaches the CLI's internal-error handler.
 */
export async function runRuntimeCommand(name: string, io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const exitCode = reportFailure(name, e, io);
    if (exitCode === undefined) throw e;
    return exitCode;
  }
}

/** Connection problems explained plainly (the URL with its password redacted). */
function describeDatabaseError(e: unknown, url: string): unknown {
  if (e instanceof HeraldError) return e;
  const reason = databaseErrorReason(e);
  if (reason) return new CommandFailure(`cannot use database ${redactUrl(url)}: ${reason}`, EXIT_USAGE);
  return e;
}

const DATABASE_ERROR_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (is the server running?)',
  ENOTFOUND: 'the host name does not resolve',
  '28P01': 'the password was rejected',
  '28000': 'the role may not connect',
  '3D000': 'the database does not exist',
  SQLITE_CANTOPEN: 'the file cannot be opened',
  SQLITE_READONLY: 'the file is read-only',
  SQLITE_NOTADB: 'the file is not a SQLite database',
};

/** Why a database could not be opened or reached, in plain words; undefined for other errors. */
export function databaseErrorReason(e: unknown): string | undefined {
  const code = (e as { code?: string }).code;
  return code ? DATABASE_ERROR_REASONS[code] : undefined;
}

/**
 * `--as-of` as epoch milliseconds: `now`, an ISO date (`2011-12-09`: midnight UTC, as date literals
 * in rules), or a timestamp (`2011-12-09T12:00Z`, `2011-12-09T12:00:00+01:00`; without a zone it is
 * UTC, so a command means the same on every machine). Anything else, or an impossible date such as
 * 2011-02-30, is a usage error naming the flag.
 */
export function parseAsOf(value: string | undefined, now: () => number = Date.now, flag = 'as-of'): number {
  if (value === undefined || value.trim().toLowerCase() === 'now') return now();
  const text = value.trim();
  const bad = () =>
    new UsageError(`--${flag} "${value}" is not a time: use an ISO date (2011-12-09), a timestamp (2011-12-09T12:00Z) or "now"`);
  const ms = utcInstant(text);
  if (ms === undefined) throw bad();
  return ms;
}
