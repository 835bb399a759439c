import type { Manifest } from '../../compiler/contract/manifest.ts';
import { parseDuration } from '../../compiler/contract/core/durations.ts';

/**
 * The Workspace's `server` block (schemas/workspace/server.schema.json) as `herald serve` uses it,
 * defaults applied. Secrets are never in it: the write keys are read from the environment variable
 * it names. Flags (`--port`, `--host`) override the block.
 */
export interface ServerSettings {
  port: number;
  host: string;
  /** The environment variable holding the write keys (comma-separated). */
  writeKeyEnv: string;
  /** Requests per second per write key (or peer address), with bursts up to `burst`. */
  rateLimit: { perSecond: number; burst: number };
  /** The most bytes an intake request may carry. */
  bodyLimit: number;
  /** How often the scheduler looks for due work when nothing wakes it (ms). */
  tickMs: number;
  /** How often segments are fully re-materialized on the clock (ms), as `herald run --segment-refresh`. */
  segmentRefreshMs: number;
  /** How long a stop waits for work in flight before giving up (ms). */
  drainTimeoutMs: number;
  /** Events timed up to this long before the run clock still start and wake journeys (ms). */
  lateWindowMs: number;
}

export interface WrittenServer {
  port?: number;
  host?: string;
  write_key_env?: string;
  rate_limit?: { per_second?: number; burst?: number };
  body_limit_kb?: number;
  tick?: string;
  segment_refresh?: string;
  drain_timeout?: string;
  late_events?: string;
}

export const SERVER_DEFAULTS = {
  port: 4410,
  host: '127.0.0.1',
  writeKeyEnv: 'HERALD_WRITE_KEY',
  perSecond: 1000,
  burst: 5000,
  bodyLimitKb: 500,
  tick: '1s',
  segmentRefresh: '1d',
  drainTimeout: '30s',
  lateEvents: '1h',
} as const;

export function serverSettingsOf(manifest: Manifest): ServerSettings {
  const spec = Object.values(manifest.definitions).find((d) => d.kind === 'Workspace')?.spec ?? {};
  return normalizeServer((spec.server ?? {}) as WrittenServer);
}

export function normalizeServer(s: WrittenServer): ServerSettings {
  const ms = (text: string | undefined, fallback: string) => parseDuration(text ?? fallback) ?? parseDuration(fallback)!;
  const perSecond = s.rate_limit?.per_second ?? SERVER_DEFAULTS.perSecond;
  return {
    port: s.port ?? SERVER_DEFAULTS.port,
    host: s.host ?? SERVER_DEFAULTS.host,
    writeKeyEnv: s.write_key_env ?? SERVER_DEFAULTS.writeKeyEnv,
    rateLimit: { perSecond, burst: Math.max(1, s.rate_limit?.burst ?? Math.max(SERVER_DEFAULTS.burst, perSecond)) },
    bodyLimit: (s.body_limit_kb ?? SERVER_DEFAULTS.bodyLimitKb) * 1024,
    tickMs: ms(s.tick, SERVER_DEFAULTS.tick),
    segmentRefreshMs: ms(s.segment_refresh, SERVER_DEFAULTS.segmentRefresh),
    drainTimeoutMs: ms(s.drain_timeout, SERVER_DEFAULTS.drainTimeout),
    lateWindowMs: ms(s.late_events, SERVER_DEFAULTS.lateEvents),
  };
}
