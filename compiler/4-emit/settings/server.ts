import type { ServerSettings } from '../../contract/workspace-settings.ts';
import { parseDuration } from '../../contract/core/durations.ts';

/** The server block as written (snake_case), after schema validation. */
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

/** The server block with every default applied and durations in milliseconds. */
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
