import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Route, ServeLogger, ServeRequest, ServeResponse } from '../extension.ts';
import type { Metrics } from '../metrics.ts';
import { RateLimiter, type RateLimit } from './rate-limit.ts';
import { Router } from './router.ts';

const gunzipAsync = promisify(gunzip);

/** The default body limit of a route: 500 KB, Segment's own limit for a batch. */
export const DEFAULT_BODY_LIMIT = 500 * 1024;

export interface HttpServerOptions {
  host: string;
  port: number;
  log: ServeLogger;
  metrics: Metrics;
  rateLimit: RateLimit;
}

/**
 * The HTTP front of `herald serve` over node:http. Features bring framework-free routes; the
 * server owns what every route shares: routing by pattern, body limits (413, checked against
 * Content-Length before anything is read and again while reading, gzip bodies included), rate
 * limits per write key or peer address (429 with Retry-After), JSON error bodies, request
 * metrics, and a graceful stop that takes no new requests and waits for those in flight.
 */
export class HttpServer {
  private router = new Router([]);
  private readonly server: Server;
  private readonly limiter: RateLimiter;
  private inFlight = 0;
  private draining = false;
  private idle: Array<() => void> = [];
  private readonly requests;
  private readonly seconds;

  constructor(private readonly options: HttpServerOptions) {
    this.limiter = new RateLimiter(options.rateLimit);
    this.requests = options.metrics.counter('herald_http_requests_total', 'HTTP requests answered, by route and status.', [
      'route',
      'status',
    ]);
    this.seconds = options.metrics.histogram(
      'herald_http_request_seconds',
      'Time to answer an HTTP request, by route.',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      ['route'],
    );
    this.server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => void this.serve(req, res));
  }

  /** Routes served from now on (a reload swaps them; requests in flight finish on the old ones). */
  setRoutes(routes: readonly Route[]): void {
    this.router = new Router(routes);
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : this.options.port);
      });
    });
  }

  /** Stops taking connections and requests, answers those in flight, then closes every connection. */
  async close(): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    this.inFlight++;
    let label = 'unmatched';
    try {
      const { response, route } = await this.answer(req);
      if (route) label = route;
      this.write(res, response);
    } catch (e) {
      this.options.log.error('internal error answering a request', { route: label, error: e });
      this.write(res, json(500, { error: 'internal_error', message: 'internal error; see the server log' }));
    } finally {
      this.requests.inc({ route: label, status: String(res.statusCode) });
      this.seconds.observe((performance.now() - started) / 1000, { route: label });
      if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async answer(req: IncomingMessage): Promise<{ response: ServeResponse; route?: string }> {
    if (this.draining)
      return {
        response: json(
          503,
          { error: 'shutting_down', message: 'the server is shutting down; retry on another replica' },
          { 'Retry-After': '1' },
        ),
      };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://herald.invalid');
    } catch {
      return { response: json(400, { error: 'bad_request', message: 'the request target is not a URL path' }) };
    }
    const method = req.method ?? 'GET';
    const found = this.router.match(method, url.pathname);
    if (!found) return { response: json(404, { error: 'not_found', message: `no route for ${method} ${url.pathname}` }) };
    if ('allowed' in found)
      return {
        response: json(
          405,
          { error: 'method_not_allowed', message: `${url.pathname} takes ${found.allowed.join(', ')}` },
          { Allow: found.allowed.join(', ') },
        ),
      };
    const { route, params } = found;
    const label = route.path;
    if (route.rateLimit !== false) {
      const wait = this.limiter.take(rateKey(req));
      if (wait > 0)
        return {
          route: label,
          response: json(429, { error: 'rate_limited', message: `too many requests; retry in ${wait} s` }, { 'Retry-After': String(wait) }),
        };
    }
    const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
    const body = await readBody(req, limit);
    if (body === 'too_large')
      return { route: label, response: json(413, { error: 'payload_too_large', message: `the body is larger than ${limit} bytes` }) };
    if (body === 'bad_encoding')
      return { route: label, response: json(400, { error: 'bad_request', message: 'the body is not valid gzip' }) };
    const request: ServeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    return { route: label, response: await route.handle(request, params) };
  }

  private write(res: ServerResponse, response: ServeResponse): void {
    if (res.headersSent) return;
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    for (const [k, v] of Object.entries(headers)) if (/[\r\n]/.test(v)) delete headers[k];
    if (this.draining) headers.Connection = 'close';
    res.writeHead(response.status, headers);
    res.end(response.body);
  }
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): ServeResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** Rate-limit keys of recent Authorization headers (a sender sends the same one with every call). */
const rateKeys = new Map<string, string>();
const MAX_RATE_KEYS = 1_000;

/** Rate limits count per write key (the Basic user name, hashed) when one is sent, else per address. */
function rateKey(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const known = rateKeys.get(auth);
    if (known !== undefined) return known;
    const user = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8').split(':')[0] ?? '';
    if (user !== '') {
      const key = `key:${createHash('sha256').update(user).digest('base64url').slice(0, 16)}`;
      if (rateKeys.size >= MAX_RATE_KEYS) rateKeys.clear();
      rateKeys.set(auth, key);
      return key;
    }
  }
  return `addr:${req.socket.remoteAddress ?? ''}`;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'bad_encoding'> {
  const declared = Number(req.headers['content-length']);
  const gzip = /gzip/i.test(String(req.headers['content-encoding'] ?? ''));
  if (!gzip && Number.isFinite(declared) && declared > limit) {
    req.resume();
    return 'too_large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      return 'too_large';
    }
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  if (!gzip) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (e) {
    return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too_large' : 'bad_encoding';
  }
}
