import type { Route, ServeContext, ServeRequest, ServeResponse } from '../../runtime/serve/extension.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';

/**
 * Calls routes the way `herald serve` matches them (runtime/serve/extension.ts): literal segments
 * and `:name` parameters, one segment each; no match is a 404 the feature never sees.
 */
export async function dispatch(
  routes: readonly Route[],
  method: string,
  url: string,
  init: { body?: string; headers?: Record<string, string>; remoteAddress?: string } = {},
): Promise<ServeResponse> {
  const parsed = new URL(url, 'http://localhost');
  const segments = parsed.pathname.split('/').slice(1).map(decodeURIComponent);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (!pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = segments[i]!), segments[i] !== '') : p === segments[i])))
      continue;
    const body = Buffer.from(init.body ?? '');
    if (route.bodyLimit !== undefined && body.length > route.bodyLimit) return { status: 413 };
    const request: ServeRequest = {
      method,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: {
        host: 'shop.example',
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15',
        ...Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      },
      body,
      remoteAddress: init.remoteAddress ?? '203.0.113.7',
    };
    return route.handle(request, params);
  }
  return { status: 404 };
}

/** A ServeContext for calling a feature's routes directly, on a clock the test moves. */
export function testContext(
  db: Database,
  manifest: Manifest,
  clock: { now: number },
  env: NodeJS.ProcessEnv = {},
): ServeContext & { woken: number } {
  const quiet = { info() {}, warn() {}, error() {} };
  const metric = { inc() {}, set() {}, observe() {} };
  const ctx = {
    dir: process.cwd(),
    manifest,
    db,
    env,
    now: () => new Date(clock.now),
    log: quiet,
    metrics: { counter: () => metric, gauge: () => metric, histogram: () => metric },
    dryRun: false,
    woken: 0,
    wake() {
      ctx.woken++;
    },
  };
  return ctx;
}

export function bodyText(r: ServeResponse): string {
  return r.body === undefined ? '' : Buffer.isBuffer(r.body) ? r.body.toString('utf8') : r.body;
}
