import type { IncomingHttpHeaders } from 'node:http';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';

/**
 * The seam between `herald serve`'s HTTP server and the features it serves (event intake, recipient
 * links, provider webhooks, models over HTTP). A feature is a set of framework-free routes and
 * periodic tasks: it never touches node:http, so it is tested by calling `handle` directly, and the
 * server owns body limits, rate limits, logging, metrics of requests and graceful shutdown.
 */

/** A request as a route sees it: the body already read (and bounded by the route's `bodyLimit`). */
export interface ServeRequest {
  method: string;
  /** The decoded path name, without the query string. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The peer's address, for rate limits and logs (never logged unmasked with personal data). */
  remoteAddress: string;
}

export interface ServeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Route {
  method: 'GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE';
  /**
   * A path pattern: literal segments and `:name` parameters (`/v1/customers/:id/scores`); a final
   * `*name` takes the rest of the path (`/u/*token`).
   */
  path: string;
  /** The most bytes of body this route accepts; the server answers 413 above it (default 500 KB). */
  bodyLimit?: number;
  /** False exempts the route from the server's rate limit (health checks, metrics scrapes). Default true. */
  rateLimit?: boolean;
  handle(request: ServeRequest, params: Record<string, string>): Promise<ServeResponse>;
}

/** Work the server runs on the real clock while it is up (a retraining schedule, a cleanup). */
export interface PeriodicTask {
  name: string;
  /** How often to run, in milliseconds. */
  everyMs: number;
  run(now: Date): Promise<void>;
}

/** Prometheus metrics a feature reports; the server renders them at `GET /metrics`. */
export interface MetricsRegistry {
  counter(name: string, help: string, labelNames?: readonly string[]): { inc(labels?: Record<string, string>, by?: number): void };
  gauge(name: string, help: string, labelNames?: readonly string[]): { set(value: number, labels?: Record<string, string>): void };
  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames?: readonly string[],
  ): { observe(value: number, labels?: Record<string, string>): void };
}

/** A structured JSON logger; callers mask personal data before it reaches a field. */
export interface ServeLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the server hands every feature when it starts (and again after a reload on SIGHUP). */
export interface ServeContext {
  dir: string;
  manifest: Manifest;
  db: Database;
  env: NodeJS.ProcessEnv;
  /** The real clock (tests may inject another). */
  now(): Date;
  log: ServeLogger;
  metrics: MetricsRegistry;
  /** True under `--dry-run`: the file transport into `<dir>/out/`. */
  dryRun: boolean;
  /** Asks the scheduler to look for due work at once (after an event, an unsubscribe, …). */
  wake(): void;
}

export interface ServeFeature {
  name: string;
  routes: Route[];
  tasks?: PeriodicTask[];
}

/** Builds a feature for a started server; called once per start or reload. */
export type ServeFeatureFactory = (context: ServeContext) => ServeFeature | Promise<ServeFeature>;
