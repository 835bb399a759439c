import { smtpProvider } from './provider-headers.ts';
import { isAbsolute, resolve } from 'node:path';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { parseDuration, parseTimeOfDay } from '../../compiler/contract/core/durations.ts';
import { mailboxAddress } from '../../compiler/contract/mailbox.ts';

/**
 * The Workspace's `delivery` block (schemas/workspace/delivery.schema.json) as the runtime uses
 * it: defaults applied, durations in milliseconds, times of day in minutes. The compiler has
 * already checked the block (compiler/3-analyze/delivery-settings.ts); what is read here is what
 * passed those checks, so only values the runtime cannot know at compile time (environment
 * variables) can still be wrong.
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
  /** The customer field holding the address; undefined when the data model has none. */
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

export type TransportSettings =
  | { type: 'file'; dir: string }
  | { type: 'smtp'; host: string; port: number; secure: boolean; auth?: { userEnv: string; passEnv: string }; timeoutMs: number; provider?: 'postmark' };

/** The delivery block as written (snake_case), after schema validation. */
export interface WrittenDelivery {
  from?: string;
  reply_to?: string;
  message_id_domain?: string;
  unsubscribe_url?: string;
  preferences_url?: string;
  tracking_url?: string;
  link_lifetime?: string;
  dkim?: { domain: string; selector: string; private_key_env: string };
  consent_field?: string;
  email_field?: string;
  frequency_cap?: { per_day: number };
  quiet_hours?: { start: string; end: string; action?: 'delay' | 'skip' };
  rate_limit?: { per_hour: number };
  retry?: { max_attempts?: number; backoff?: string; max_backoff?: string };
  claim_lease?: string;
  transport?: { type: 'file'; dir?: string } | { type: 'smtp'; host: string; port?: number; secure?: boolean; auth?: { user_env: string; pass_env: string }; timeout?: string; provider?: 'postmark' };
  report?: { conversion_event?: string; conversion_window?: string; attribution?: { model?: ReportSettings['attribution']['model']; window?: string }; revenue?: string; cost_per_email?: number };
  global_control?: number;
}

/** Defaults of the schema, in one place for the runtime (a test checks the schema agrees). */
export const DELIVERY_DEFAULTS = {
  from: 'Herald <no-reply@herald.invalid>',
  consentField: 'email_consent',
  fileDir: 'out/emails',
  maxAttempts: 5,
  backoff: '1m',
  maxBackoff: '1h',
  claimLease: '5m',
  smtpTimeout: '30s',
  quietHoursAction: 'delay',
  conversionEvent: 'purchase',
  conversionWindow: '7d',
  attributionModel: 'last_click',
  linkLifetime: '400d',
  /** Where links point when no base is configured: a reserved domain that can never resolve. */
  linkBase: 'https://links.herald.invalid',
} as const;


function reportSettingsOf(r: WrittenDelivery['report'], ms: (text: string | undefined, fallback: string) => number): ReportSettings {
  const conversionWindow = r?.conversion_window ?? DELIVERY_DEFAULTS.conversionWindow;
  const out: ReportSettings = {
    conversionEvent: r?.conversion_event ?? DELIVERY_DEFAULTS.conversionEvent,
    conversionWindowMs: ms(conversionWindow, DELIVERY_DEFAULTS.conversionWindow),
    attribution: { model: r?.attribution?.model ?? DELIVERY_DEFAULTS.attributionModel, windowMs: ms(r?.attribution?.window, conversionWindow) },
  };
  if (r?.revenue) out.revenueProperty = r.revenue;
  if (r?.cost_per_email !== undefined) out.costPerEmail = r.cost_per_email;
  return out;
}


/** The address part of `Name <addr@domain>` or `addr@domain`; undefined when it is neither. */
export const addressOf = mailboxAddress;

/** The customer field to send to: the configured one, else `email`, else the only field of type email. */
export function emailFieldOf(fields: Manifest['dataModel']['customers']['fields'], configured?: string): string | undefined {
  if (configured) return configured;
  if (fields.email) return 'email';
  const typed = Object.entries(fields).filter(([, f]) => f.type === 'email');
  return typed.length === 1 ? typed[0]![0] : undefined;
}

/** The Workspace definition's spec of a manifest. */
function workspaceSpec(manifest: Manifest): Record<string, unknown> {
  return Object.values(manifest.definitions).find((d) => d.kind === 'Workspace')?.spec ?? {};
}

/**
 * The delivery settings of a compiled workspace. `baseDir` (the workspace folder) anchors a
 * relative file transport `dir`.
 */
export function deliverySettingsOf(manifest: Manifest, baseDir = process.cwd()): DeliverySettings {
  const spec = workspaceSpec(manifest);
  return normalizeDelivery((spec.delivery ?? {}) as WrittenDelivery, {
    timeZone: typeof spec.timezone === 'string' ? spec.timezone : 'UTC',
    customerFields: manifest.dataModel.customers.fields,
    baseDir,
  });
}

export function normalizeDelivery(
  d: WrittenDelivery,
  context: { timeZone: string; customerFields: Manifest['dataModel']['customers']['fields']; baseDir: string },
): DeliverySettings {
  const ms = (text: string | undefined, fallback: string) => parseDuration(text ?? fallback) ?? parseDuration(fallback)!;
  const from = d.from ?? DELIVERY_DEFAULTS.from;
  const unsubscribeUrl = trimSlash(d.unsubscribe_url ?? `${DELIVERY_DEFAULTS.linkBase}/unsubscribe`);
  const settings: DeliverySettings = {
    from,
    messageDomain: d.message_id_domain ?? addressOf(from)?.split('@')[1] ?? 'herald.invalid',
    unsubscribeUrl,
    preferencesUrl: trimSlash(d.preferences_url ?? (d.unsubscribe_url ? unsubscribeUrl : `${DELIVERY_DEFAULTS.linkBase}/preferences`)),
    trackingUrl: trimSlash(d.tracking_url ?? `${new URL(unsubscribeUrl).origin}/t`),
    linkLifetimeMs: ms(d.link_lifetime, DELIVERY_DEFAULTS.linkLifetime),
    consentField: d.consent_field ?? DELIVERY_DEFAULTS.consentField,
    retry: {
      maxAttempts: d.retry?.max_attempts ?? DELIVERY_DEFAULTS.maxAttempts,
      backoffMs: ms(d.retry?.backoff, DELIVERY_DEFAULTS.backoff),
      maxBackoffMs: ms(d.retry?.max_backoff, DELIVERY_DEFAULTS.maxBackoff),
    },
    leaseMs: ms(d.claim_lease, DELIVERY_DEFAULTS.claimLease),
    transport: transportOf(d.transport, context.baseDir, ms),
    timeZone: context.timeZone,
    report: reportSettingsOf(d.report, ms),
  };
  if (d.global_control !== undefined && d.global_control > 0) settings.globalControl = d.global_control;
  const emailField = emailFieldOf(context.customerFields, d.email_field);
  if (emailField) settings.emailField = emailField;
  if (d.reply_to) settings.replyTo = d.reply_to;
  if (d.frequency_cap) settings.frequencyCap = { perDay: d.frequency_cap.per_day };
  if (d.quiet_hours) {
    const start = parseTimeOfDay(d.quiet_hours.start);
    const end = parseTimeOfDay(d.quiet_hours.end);
    if (start !== undefined && end !== undefined && start !== end) {
      settings.quietHours = { start, end, action: d.quiet_hours.action ?? DELIVERY_DEFAULTS.quietHoursAction };
    }
  }
  if (d.rate_limit) settings.defaultPerHour = d.rate_limit.per_hour;
  if (d.dkim) settings.dkim = { domain: d.dkim.domain, selector: d.dkim.selector, privateKeyEnv: d.dkim.private_key_env };
  return settings;
}

function transportOf(t: WrittenDelivery['transport'], baseDir: string, ms: (text: string | undefined, fallback: string) => number): TransportSettings {
  if (t?.type === 'smtp') {
    const secure = t.secure ?? false;
    const out: TransportSettings = { type: 'smtp', host: t.host, port: t.port ?? (secure ? 465 : 587), secure, timeoutMs: ms(t.timeout, DELIVERY_DEFAULTS.smtpTimeout) };
    if (t.auth) out.auth = { userEnv: t.auth.user_env, passEnv: t.auth.pass_env };
    const provider = smtpProvider(t.host, t.provider);
    if (provider) out.provider = provider;
    return out;
  }
  const dir = t?.dir ?? DELIVERY_DEFAULTS.fileDir;
  return { type: 'file', dir: isAbsolute(dir) ? dir : resolve(baseDir, dir) };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
