import { resolve } from 'node:path';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { PreviewDatabase, PreviewDatabaseSlot } from './database.ts';
import { DevServer } from './server.ts';
import { DevSession, type DevBuild } from './session.ts';
import { watchWorkspace, type WorkspaceWatcher } from './watcher.ts';
import { diagnosticLines } from '../../compiler/diagnostics/format/lines.ts';

export interface DevOptions {
  dir: string;
  host: string;
  port: number;
  /** --db; else HERALD_DATABASE_URL, else the workspace's database when it exists. */
  db?: string;
  env: NodeJS.ProcessEnv;
  /** A fixed instant for live counts and previews (default: the last `herald segments` run, else now). */
  asOf?: number;
  /** How long the workspace must be quiet before a rebuild (ms). */
  quietMs?: number;
  /** Line-oriented log: builds, the port, problems. */
  log(line: string): void;
}

export interface DevHandle {
  url: string;
  /** `url` with the session's token, which personal data needs: the address to print and open. */
  startUrl: string;
  port: number;
  session: DevSession;
  server: DevServer;
  watcher: WorkspaceWatcher;
  /** The preview database in use, if there is one yet. */
  readonly database: PreviewDatabase | undefined;
  close(): Promise<void>;
}

/**
 * Starts `herald dev`: the first build, the preview server (on the next free port when the asked
 * one is taken), then the watcher, which rebuilds after each quiet period of changes.
 */
export async function startDev(options: DevOptions): Promise<DevHandle> {
  const root = resolve(options.dir);
  const session = new DevSession(root);
  const first = session.rebuild([]);
  options.log(describeBuild(first));
  const database = new PreviewDatabaseSlot((manifest) => PreviewDatabase.choose(options.db, options.env, manifest, root, options.asOf));
  const server = new DevServer({
    session,
    host: options.host,
    port: options.port,
    database: (manifest) => database.get(manifest),
    onError: (e) => options.log(`internal error serving a page: ${e.stack ?? e.message}`),
  });
  let listening;
  try {
    listening = await server.listen();
  } catch (e) {
    await server.close().catch(() => undefined);
    await database.close();
    throw e;
  }
  if (listening.port !== options.port && options.port !== 0)
    options.log(`port ${options.port} is in use; serving on ${listening.port} instead`);
  const watcher = await watchWorkspace(root, {
    onChange: (paths) => options.log(describeBuild(session.rebuild(paths))),
    onProblem: (message, code) => options.log(`${code ? `warning[${code}]: ` : ''}${message}`),
    ...(options.quietMs !== undefined ? { quietMs: options.quietMs } : {}),
  });
  return {
    ...listening,
    session,
    server,
    watcher,
    get database() {
      return database.get(session.manifest);
    },
    async close() {
      await watcher.close();
      await server.close();
      await database.close();
      stopMjmlWorker();
    },
  };
}

/** One log line per build: what changed, how long it took, and the first errors. */
export function describeBuild(build: DevBuild): string {
  const cause =
    build.cause.length === 0 ? 'built' : `rebuilt after ${build.cause.length === 1 ? build.cause[0] : `${build.cause.length} changes`}`;
  const head = `${cause} in ${Math.round(build.ms)} ms`;
  const errors = build.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    // The printer's own line for each, its first line only: the preview shows the rest.
    const shown = errors.slice(0, 3).map((d) => `  ${diagnosticLines(d, {}).split('\n')[0]}`);
    return [
      `${head}: ${errors.length} error${errors.length === 1 ? '' : 's'} (the preview shows them and keeps the last good build)`,
      ...shown,
      ...(errors.length > 3 ? [`  … and ${errors.length - 3} more`] : []),
    ].join('\n');
  }
  const changed = build.changed.length;
  const recompiled = build.stats?.recompiled.length ?? 0;
  const what =
    build.cause.length === 0
      ? `${changed} definitions`
      : changed === 0
        ? 'nothing changed'
        : `${build.changed.slice(0, 5).join(', ')}${changed > 5 ? ` and ${changed - 5} more` : ''} changed`;
  return `${head}: ${what} (${recompiled} recompiled)`;
}
