/**
 * `herald serve` put together: the HTTP server with the features' routes, the scheduler running
 * the engine on the real clock, the features' periodic tasks, reload and graceful stop. The CLI
 * (cli/commands/serve.ts) opens the workspace and the transport and hands them in.
 */
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';
import type { Transport } from '../delivery/types.ts';
import type { PeriodicTask, Route, ServeContext, ServeFeatureFactory, ServeLogger } from './extension.ts';
import { SERVE_FEATURES } from './features.ts';
import { HttpServer } from './http/server.ts';
import { Metrics } from './metrics.ts';
import { operations } from './ops.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { listenForWakes } from './scheduler/pg-wake.ts';
import { serverSettingsOf, type ServerSettings } from './settings.ts';
import type { RunOptions } from '../journeys/context.ts';
import { deliverySettingsOf } from '../delivery/settings.ts';
import { localLinkSettings } from '../recipient/feature.ts';
import { serveSecret, type LinkSecret } from '../recipient/secret.ts';
import { LinkSigner } from '../recipient/tokens.ts';
import { startBackgroundCheckpoints } from '../db/background-checkpoint.ts';

export type ServeRole = 'all' | 'api' | 'worker';

export interface ServeOptions {
  dir: string;
  manifest: Manifest;
  db: Database;
  env: NodeJS.ProcessEnv;
  transport: Transport;
  log: ServeLogger;
  role: ServeRole;
  dryRun: boolean;
  workerId: string;
  /** Overrides of the workspace's `server` block (flags). */
  port?: number;
  host?: string;
  features?: readonly ServeFeatureFactory[];
  now?: () => number;
  /** PostgreSQL: the database URL, so the scheduler hears of events taken by other processes at once. */
  listenUrl?: string;
}

export interface RunningServe {
  port: number;
  settings: ServerSettings;
  metrics: Metrics;
  scheduler?: Scheduler;
  /** Takes a recompiled workspace: new routes and tasks, the scheduler's next pass on its journeys. */
  reload(manifest: Manifest): Promise<void>;
  /** Stops taking requests, finishes those in flight and the batch in hand, hands back claims. */
  stop(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const metrics = new Metrics();
  let settings = serverSettingsOf(options.manifest);
  const now = options.now ?? Date.now;
  // The links the worker signs are the ones the recipient routes verify (runtime/recipient/).
  const links = recipientLinks(options);
  const scheduler =
    options.role === 'api'
      ? undefined
      : new Scheduler({
          db: options.db,
          manifest: options.manifest,
          transport: options.transport,
          workerId: options.workerId,
          log: options.log,
          metrics,
          tickMs: settings.tickMs,
          segmentRefreshMs: settings.segmentRefreshMs,
          lateWindowMs: settings.lateWindowMs,
          now,
          links: links.run,
        });
  const http = new HttpServer({
    host: options.host ?? settings.host,
    port: options.port ?? settings.port,
    log: options.log,
    metrics,
    rateLimit: settings.rateLimit,
  });
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();

  const mount = async (manifest: Manifest) => {
    const context: ServeContext = {
      dir: options.dir,
      manifest,
      db: options.db,
      env: options.env,
      now: () => new Date(now()),
      log: options.log,
      metrics,
      dryRun: options.dryRun,
      wake: () => scheduler?.wake(),
    };
    const factories = options.role === 'worker' ? [] : (options.features ?? SERVE_FEATURES);
    const routes: Route[] = [];
    const tasks: PeriodicTask[] = [];
    for (const factory of [operations(metrics), ...factories]) {
      const feature = await factory(context);
      routes.push(...feature.routes);
      if (options.role !== 'api') tasks.push(...(feature.tasks ?? []));
    }
    http.setRoutes(routes);
    for (const t of timers.splice(0)) clearInterval(t);
    for (const task of tasks) timers.push(scheduleTask(task, now, options.log, running));
  };

  await mount(options.manifest);
  const port = await http.listen();
  links.listening(options.manifest, port);
  scheduler?.start();
  // SQLite: checkpoints off the request path (runtime/db/background-checkpoint.ts).
  const checkpoints = startBackgroundCheckpoints(options.db, (message) => options.log.warn(message));
  const stopListening = scheduler && options.listenUrl ? listenForWakes(options.listenUrl, () => scheduler.wake(), options.log) : undefined;
  options.log.info('herald serve started', {
    role: options.role,
    port,
    host: options.host ?? settings.host,
    worker: options.workerId,
    database: options.db.description,
  });

  return {
    port,
    get settings() {
      return settings;
    },
    metrics,
    ...(scheduler ? { scheduler } : {}),
    async reload(manifest) {
      settings = serverSettingsOf(manifest);
      await mount(manifest);
      links.listening(manifest, port);
      scheduler?.setManifest(manifest);
      options.log.info('workspace reloaded', { workspace: manifest.metadata.workspace });
    },
    async stop() {
      const drained = (async () => {
        await http.close();
        await stopListening?.();
        for (const t of timers.splice(0)) clearInterval(t);
        await scheduler?.stop();
        await Promise.all(running);
      })();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), settings.drainTimeoutMs)));
      const outcome = await Promise.race([drained.then(() => 'drained' as const), late]);
      clearTimeout(timer);
      await checkpoints?.stop();
      if (outcome === 'late')
        options.log.warn('stopped before work in flight finished (drain_timeout); claims left are taken over when their lease ends');
      else options.log.info('herald serve stopped');
    },
  };
}

/**
 * How the scheduler's worker signs links, with the secret the recipient routes check (the CLI has
 * already refused to start without one outside a dry run). Under `--dry-run` the emails written
 * link to this server itself, so a link opened from a dry-run email in a browser reaches it.
 */
function recipientLinks(options: ServeOptions): {
  run: Pick<RunOptions, 'signer' | 'deliverySettings'>;
  listening(manifest: Manifest, port: number): void;
} {
  let secret: LinkSecret;
  try {
    secret = serveSecret(options.env, options.dryRun).secret;
  } catch {
    secret = serveSecret(options.env, true).secret;
    options.log.warn('HERALD_SECRET is not set: links are signed with a throwaway secret for this process');
  }
  const run: Pick<RunOptions, 'signer' | 'deliverySettings'> = { signer: new LinkSigner(secret) };
  return {
    run,
    listening(manifest, port) {
      if (!options.dryRun) return;
      const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
      run.deliverySettings = localLinkSettings(
        deliverySettingsOf(manifest, options.dir),
        `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      );
    },
  };
}

/** Runs a feature's task every `everyMs`, never two runs of it at once. */
function scheduleTask(task: PeriodicTask, now: () => number, log: ServeLogger, running: Set<Promise<void>>): NodeJS.Timeout {
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    const run = task
      .run(new Date(now()))
      .catch((e) => log.error(`task ${task.name} failed`, { error: e }))
      .finally(() => {
        busy = false;
        running.delete(run);
      });
    running.add(run);
  }, task.everyMs);
}
