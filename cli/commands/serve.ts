import { resolve, join } from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { chooseDatabase, CommandFailure, compileWorkspace, openWorkspace, runRuntimeCommand } from '../workspace-runtime.ts';
import { deliverySettingsOf } from '../../runtime/delivery/settings.ts';
import { createTransport } from '../../runtime/delivery/transports/index.ts';
import { DeliveryError } from '../../runtime/delivery/problems.ts';
import type { Transport } from '../../runtime/delivery/types.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { traitTableSpecs } from '../../runtime/manifest.ts';
import { jsonLogger } from '../../runtime/serve/log.ts';
import { startServe, type ServeRole } from '../../runtime/serve/serve.ts';
import { serverSettingsOf } from '../../runtime/serve/settings.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';

import { SecretError, serveSecret } from '../../runtime/recipient/secret.ts';
const ROLES = ['all', 'api', 'worker'] as const;
const OPTIONS = {
  port: { arg: 'PORT', description: 'where to listen; 0: any free port', default: 'herald.yaml server.port, else 4410' },
  host: { arg: 'HOST', description: 'the address to listen on', default: 'server.host, else 127.0.0.1' },
  db: DB_OPTION,
  'dry-run': { description: 'send through the file transport into <dir>/out/, as `herald run --dry-run`' },
  role: {
    values: ROLES,
    description:
      'all: intake and scheduler; api: intake only; worker: scheduler and delivery only. On PostgreSQL any number of replicas of any role run together',
    default: 'all',
  },
  'worker-id': {
    arg: 'ID',
    description: "this worker's name; a restarted worker reusing its name resumes its delivery claims at once",
    default: 'worker-<pid>',
  },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'serve',
  args: '[dir]',
  options: OPTIONS,
  about: `The always-on runtime: event intake over HTTP (the Segment Tracking API: POST /v1/track,
/v1/identify, /v1/page, /v1/batch, authenticated with a key from HERALD_WRITE_KEY as the Basic
user name), and the journeys, campaigns and delivery of \`herald run\` on the real clock: an event
starts its journeys within a second, due steps run when they fall due. GET /healthz, /readyz and
/metrics (Prometheus) for operations; logs are JSON lines on stdout. SIGTERM (or Ctrl-C) stops
gracefully; SIGHUP reloads the workspace (running entries keep their journey version).`,
});

/** `herald serve`: HTTP intake, scheduler and delivery on the real clock. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run intake, journeys and delivery on the real clock (HTTP)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const role: ServeRole = oneOf('role', values.role, ROLES, 'all');
    let port: number | undefined;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a port number 0-65535 (got "${values.port}")`);
    }
    const host = values.host;
    return runRuntimeCommand('serve', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      // Templates are compiled: the MJML worker thread (and its memory) is not needed while serving.
      stopMjmlWorker();
      const log = jsonLogger((line) => io.stdout.write(line));
      let transport: Transport | undefined;
      try {
        const settings = serverSettingsOf(opened.manifest);
        if (role !== 'worker' && !(io.env[settings.writeKeyEnv] ?? '').split(',').some((k) => k.trim() !== '')) {
          throw new CommandFailure(
            `${settings.writeKeyEnv} is not set: event intake needs at least one write key (comma-separated for rotation), e.g. ${settings.writeKeyEnv}=$(openssl rand -hex 24)`,
            EXIT_USAGE,
          );
        }
        // Every unsubscribe, preferences and tracking link is signed and checked with HERALD_SECRET.
        try {
          const { warning } = serveSecret(io.env, values['dry-run'] === true);
          if (warning) {
            io.stderr.write(`herald serve: warning: ${warning}\n`);
            log.warn(warning);
          }
        } catch (e) {
          if (e instanceof SecretError) throw new CommandFailure(`${e.message}\n  help: ${e.help}`, EXIT_USAGE);
          throw e;
        }
        if (opened.db.dialect === 'sqlite' && role !== 'all')
          log.warn('on SQLite one process should do everything (--role all); split roles on PostgreSQL');
        try {
          transport = createTransport(
            deliverySettingsOf(opened.manifest, opened.dir),
            io.env,
            values['dry-run'] ? { dryRunDir: join(resolve(opened.dir), 'out') } : {},
          );
        } catch (e) {
          if (e instanceof DeliveryError)
            throw new CommandFailure(`${e.message}${e.problem.help ? `\n  help: ${e.problem.help}` : ''}`, EXIT_ERRORS);
          throw e;
        }
        const sender = transport;
        const running = await listening(
          () =>
            startServe({
              dir: opened.dir,
              manifest: opened.manifest,
              db: opened.db,
              env: io.env,
              transport: sender,
              log,
              role,
              dryRun: values['dry-run'] === true,
              workerId: values['worker-id'] ?? `worker-${process.pid}`,
              ...(port !== undefined ? { port } : {}),
              ...(host !== undefined ? { host } : {}),
              ...(opened.db.dialect === 'postgres' ? { listenUrl: chooseDatabase(values.db, io.env, opened.manifest).url } : {}),
            }),
          host ?? settings.host,
          port ?? settings.port,
        );
        io.stderr.write(
          `herald serve: listening on http://${host ?? running.settings.host}:${running.port} (${role}, ${opened.db.description})\n`,
        );
        await untilStopped(async () => {
          const manifest = compileWorkspace(opened.dir, io);
          stopMjmlWorker();
          if (!manifest) {
            log.error('reload refused: the workspace has errors (printed on stderr); still serving the previous version');
            return;
          }
          await syncSchema(opened.db, manifest.dataModel, traitTableSpecs(manifest));
          await running.reload(manifest);
        }, log);
        await running.stop();
        return EXIT_OK;
      } finally {
        await transport?.close?.();
        await opened.db.close();
      }
    });
  },
};

/** Starts the server; a port in use or not allowed is a plain message (exit 2), not an internal error. */
async function listening<T>(start: () => Promise<T>, host: string, port: number): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CommandFailure(
        `cannot listen on ${host}:${port}: the port is in use (another herald serve?); choose one with --port`,
        EXIT_USAGE,
      );
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new CommandFailure(
        `cannot listen on ${host}:${port}: ${code === 'EACCES' ? 'not allowed (ports below 1024 need privileges)' : 'no such address on this machine'}`,
        EXIT_USAGE,
      );
    throw e;
  }
}

/** Resolves on SIGTERM or SIGINT; runs `reload` on every SIGHUP meanwhile (one at a time). */
function untilStopped(reload: () => Promise<void>, log: ReturnType<typeof jsonLogger>): Promise<void> {
  return new Promise((resolve) => {
    let reloading = Promise.resolve();
    const onHup = () => {
      log.info('SIGHUP: reloading the workspace');
      reloading = reloading.then(reload).catch((e) => log.error('reload failed; still serving the previous version', { error: e }));
    };
    const onStop = (signal: string) => () => {
      log.info(`${signal}: stopping`);
      process.off('SIGHUP', onHup);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      void reloading.then(resolve);
    };
    const onTerm = onStop('SIGTERM');
    const onInt = onStop('SIGINT');
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}
