import { emailFieldOf, type DataModel } from '../../contract/data-model.ts';
import type { DeliverySettings, ReportSettings, TransportSettings } from '../../contract/workspace-settings.ts';
import { parseDuration, parseTimeOfDay } from '../../contract/core/durations.ts';
import { mailboxAddress } from '../../contract/mailbox.ts';

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
  transport?:
    | { type: 'file'; dir?: string }
    | {
        type: 'smtp';
        host: string;
        port?: number;
        secure?: boolean;
        auth?: { user_env: string; pass_env: string };
        timeout?: string;
        provider?: 'postmark';
      };
  report?: {
    conversion_event?: string;
    conversion_window?: string;
    attribution?: { model?: ReportSettings['attribution']['model']; window?: string };
    revenue?: string;
    cost_per_email?: number;
  };
  global_control?: number;
}

/** Defaults of the schema, in one place (test/delivery/settings.test.ts checks the schema agrees). */
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

type Milliseconds = (text: string | undefined, fallback: string) => number;

/** The delivery block with every default applied, durations in ms and times of day in minutes. */
export function normalizeDelivery(
  d: WrittenDelivery,
  context: { timeZone: string; customerFields: DataModel['customers']['fields'] },
): DeliverySettings {
  const ms: Milliseconds = (text, fallback) => parseDuration(text ?? fallback) ?? parseDuration(fallback)!;
  const from = d.from ?? DELIVERY_DEFAULTS.from;
  const unsubscribeUrl = trimSlash(d.unsubscribe_url ?? `${DELIVERY_DEFAULTS.linkBase}/unsubscribe`);
  const settings: DeliverySettings = {
    from,
    messageDomain: d.message_id_domain ?? mailboxAddress(from)?.split('@')[1] ?? 'herald.invalid',
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
    transport: transportOf(d.transport, ms),
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

function reportSettingsOf(r: WrittenDelivery['report'], ms: Milliseconds): ReportSettings {
  const conversionWindow = r?.conversion_window ?? DELIVERY_DEFAULTS.conversionWindow;
  const out: ReportSettings = {
    conversionEvent: r?.conversion_event ?? DELIVERY_DEFAULTS.conversionEvent,
    conversionWindowMs: ms(conversionWindow, DELIVERY_DEFAULTS.conversionWindow),
    attribution: {
      model: r?.attribution?.model ?? DELIVERY_DEFAULTS.attributionModel,
      windowMs: ms(r?.attribution?.window, conversionWindow),
    },
  };
  if (r?.revenue) out.revenueProperty = r.revenue;
  if (r?.cost_per_email !== undefined) out.costPerEmail = r.cost_per_email;
  return out;
}

/** The transport; a file transport's `dir` stays as written (the runtime anchors it to its workspace folder). */
function transportOf(t: WrittenDelivery['transport'], ms: Milliseconds): TransportSettings {
  if (t?.type === 'smtp') {
    const secure = t.secure ?? false;
    const out: TransportSettings = {
      type: 'smtp',
      host: t.host,
      port: t.port ?? (secure ? 465 : 587),
      secure,
      timeoutMs: ms(t.timeout, DELIVERY_DEFAULTS.smtpTimeout),
    };
    if (t.auth) out.auth = { userEnv: t.auth.user_env, passEnv: t.auth.pass_env };
    const provider = smtpProvider(t.host, t.provider);
    if (provider) out.provider = provider;
    return out;
  }
  return { type: 'file', dir: t?.dir ?? DELIVERY_DEFAULTS.fileDir };
}

/** Postmark's SMTP servers (smtp.postmarkapp.com, smtp-broadcasts.postmarkapp.com). */
const POSTMARK_HOST = /(^|\.)postmarkapp\.com$/i;

/** The provider the transport hands messages to, as written or known from its host (runtime/delivery/provider-headers.ts adds its headers). */
export function smtpProvider(host: string, written: 'postmark' | undefined): 'postmark' | undefined {
  return written ?? (POSTMARK_HOST.test(host) ? 'postmark' : undefined);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
