/**
 * The Workspace's settings as the runtime reads them: the `compiled` block of the Workspace
 * definition (compiler/4-emit/kinds/workspace.ts writes it). Every default is applied, durations
 * are milliseconds and times of day minutes after midnight, so the runtime never re-reads the
 * written spec nor repeats the schema's defaults.
 */

/** The Workspace definition's compiled block. */
export interface CompiledWorkspace {
  /**
   * The database URL (`sqlite:path` or `postgres://…`): the one written in herald.yaml, else the
   * default file named after the workspace. `--db` and HERALD_DATABASE_URL override it at run time.
   */
  database: string;
  /** Whether herald.yaml wrote `database` (messages say where the URL came from). */
  databaseWritten: boolean;
  /** The workspace's IANA time zone (schedules, quiet hours and dates without a zone). */
  timezone: string;
  /** The `delivery` block. */
  delivery: DeliverySettings;
  /** The `server` block (`herald serve`). */
  server: ServerSettings;
  /** The subscription topics (`topics:`), by name. */
  topics: Topic[];
}

/**
 * The `delivery` block (schemas/workspace/delivery.schema.json), normalized. The compiler has
 * already checked it (compiler/3-analyze/delivery-settings.ts); only values the runtime cannot
 * know at compile time (environment variables) can still be wrong.
 */
export interface DeliverySettings {
  from: string;
  replyTo?: string;
  messageDomain: string;
  /** Bases of the per-message links: `<base>/<token>`. */
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** Base of click and open tracking links: `<base>/c/<token>/<link>`, `<base>/o/<token>`. */
  trackingUrl: string;
  /** How long after its send a message's links work. */
  linkLifetimeMs: number;
  /** DKIM signing, when configured: the key is read from the environment variable named. */
  dkim?: { domain: string; selector: string; privateKeyEnv: string };
  consentField: string;
  /** The customer field holding the address; absent when the data model has none. */
  emailField?: string;
  frequencyCap?: { perDay: number };
  quietHours?: { start: number; end: number; action: 'delay' | 'skip' };
  defaultPerHour?: number;
  retry: { maxAttempts: number; backoffMs: number; maxBackoffMs: number };
  leaseMs: number;
  transport: TransportSettings;
  /** The workspace's zone: for customers without a (valid) `timezone` field. */
  timeZone: string;
  report: ReportSettings;
  /** Percent of customers in the workspace-wide control group (runtime/insights/control-group.ts). */
  globalControl?: number;
}

/** How `herald report` counts, credits and values conversions. */
export interface ReportSettings {
  conversionEvent: string;
  conversionWindowMs: number;
  attribution: { model: 'last_click' | 'first_touch' | 'linear' | 'position_based'; windowMs: number };
  /** The conversion event's number property holding its revenue. */
  revenueProperty?: string;
  costPerEmail?: number;
}

/**
 * Where email goes. A file transport's `dir` is as written in the manifest (relative to the
 * workspace folder unless absolute); the runtime anchors it to the folder it runs in.
 */
export type TransportSettings =
  | { type: 'file'; dir: string }
  | {
      type: 'smtp';
      host: string;
      port: number;
      secure: boolean;
      auth?: { userEnv: string; passEnv: string };
      timeoutMs: number;
      provider?: 'postmark';
    };

/**
 * The `server` block (schemas/workspace/server.schema.json) as `herald serve` uses it. Secrets are
 * never in it: the write keys are read from the environment variable it names. Flags (`--port`,
 * `--host`) override the block.
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

/** A subscription topic of the workspace. */
export interface Topic {
  name: string;
  title: string;
  description?: string;
}

/**
 * The `database` setting from what herald.yaml wrote: the one place its default lives, used by
 * emit and by `herald validate`'s model check (which runs before emit).
 */
export function databaseSetting(written: unknown, workspaceName: string): { database: string; databaseWritten: boolean } {
  if (typeof written === 'string' && written !== '') return { database: written, databaseWritten: true };
  return { database: `sqlite:.herald/${workspaceName || 'herald'}.db`, databaseWritten: false };
}

/** The `timezone` setting from what herald.yaml wrote (UTC when unset). */
export function timeZoneSetting(written: unknown): string {
  return typeof written === 'string' && written !== '' ? written : 'UTC';
}
