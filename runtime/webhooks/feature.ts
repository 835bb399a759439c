import { ingestEngagement } from '../delivery/engagement.ts';
import type { Route, ServeContext, ServeFeature, ServeFeatureFactory, ServeRequest, ServeResponse } from '../serve/extension.ts';
import { verifyMailgun } from './mailgun.ts';
import { verifyPostmark } from './postmark.ts';
import { parseProviderPayload, PROVIDERS, type Provider } from './providers.ts';
import { verifySendgrid } from './sendgrid.ts';
import { httpsCertificateFetcher, isSnsUrl, verifySnsMessage, type CertificateFetcher } from './sns.ts';
import { isObject, type Verdict, type WebhookRequest } from './types.ts';

/**
 * `POST /webhooks/<provider>`: engagement from Amazon SES (through SNS), SendGrid, Postmark and
 * Mailgun, each authenticated its own way (SNS certificate signature and a listed topic, ECDSA,
 * basic auth, HMAC) before anything is read, then stored exactly as `herald engagement` stores
 * imported records. A provider whose credentials are not in the environment is not served (404).
 * Refusals say why in the log and answer 401 with nothing stored; responses carry counts only.
 */
export const WEBHOOK_ENV = {
  sesTopics: 'HERALD_SES_TOPIC_ARNS',
  sendgridKey: 'HERALD_SENDGRID_PUBLIC_KEY',
  postmarkUser: 'HERALD_POSTMARK_WEBHOOK_USER',
  postmarkPass: 'HERALD_POSTMARK_WEBHOOK_PASSWORD',
  mailgunKey: 'HERALD_MAILGUN_SIGNING_KEY',
} as const;

export interface WebhookOptions {
  /** Fetches an SNS certificate (tests inject one: there is no network in tests). */
  fetchCertificate?: CertificateFetcher;
  /** Visits an SNS SubscribeURL to confirm a subscription. */
  confirmSubscription?: (url: string) => Promise<void>;
}

const BODY_LIMIT: Record<Provider, number> = { ses: 256 * 1024, sendgrid: 2 * 1024 * 1024, postmark: 256 * 1024, mailgun: 256 * 1024 };

export function createWebhooksFeature(context: ServeContext, options: WebhookOptions = {}): ServeFeature {
  const env = context.env;
  const mailgunTokens = new Set<string>();
  const list = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter((x) => x !== '');
  const verifiers: Partial<Record<Provider, (request: WebhookRequest, payload: unknown) => Promise<Verdict>>> = {};
  const topics = list(env[WEBHOOK_ENV.sesTopics]);
  if (topics.length > 0)
    verifiers.ses = (_r, payload) =>
      verifySnsMessage(payload, topics, options.fetchCertificate ?? httpsCertificateFetcher, context.now().getTime());
  const sendgridKey = env[WEBHOOK_ENV.sendgridKey];
  if (sendgridKey) verifiers.sendgrid = async (r) => verifySendgrid(r, sendgridKey);
  const pmUser = env[WEBHOOK_ENV.postmarkUser];
  const pmPass = env[WEBHOOK_ENV.postmarkPass];
  if (pmUser && pmPass) verifiers.postmark = async (r) => verifyPostmark(r, pmUser, pmPass);
  const mailgunKey = env[WEBHOOK_ENV.mailgunKey];
  if (mailgunKey) verifiers.mailgun = async (r) => verifyMailgun(r, mailgunKey, mailgunTokens);

  const routes: Route[] = PROVIDERS.map((provider) => ({
    method: 'POST' as const,
    path: `/webhooks/${provider}`,
    bodyLimit: BODY_LIMIT[provider],
    handle: (request: ServeRequest) => handleWebhook(context, options, provider, verifiers[provider], request),
  }));
  return { name: 'webhooks', routes };
}

export const webhooksFeature: ServeFeatureFactory = (context) => createWebhooksFeature(context);

function json(status: number, body: Record<string, unknown>): ServeResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: `${JSON.stringify(body)}\n` };
}

async function handleWebhook(
  context: ServeContext,
  options: WebhookOptions,
  provider: Provider,
  verify: ((r: WebhookRequest, p: unknown) => Promise<Verdict>) | undefined,
  request: ServeRequest,
): Promise<ServeResponse> {
  if (!verify) return json(404, { error: `the ${provider} webhook is not configured on this server` });
  const webhookRequest: WebhookRequest = { headers: request.headers, body: request.body, now: context.now().getTime() };
  let payload: unknown;
  try {
    payload = JSON.parse(request.body.toString('utf8'));
  } catch {
    payload = undefined;
  }
  // Signatures are checked on the raw body before anything in it is believed.
  const verdict = await verify(webhookRequest, payload);
  if (!verdict.ok) {
    context.log.warn('webhook refused', { provider, status: verdict.status, reason: verdict.reason });
    return json(verdict.status, { error: verdict.reason });
  }
  if (payload === undefined) return json(400, { error: 'the body is not JSON' });
  if (provider === 'ses' && isObject(payload) && payload.Type === 'SubscriptionConfirmation') {
    if (!isSnsUrl(payload.SubscribeURL)) return json(400, { error: 'the SubscribeURL is not on an Amazon SNS host' });
    await (options.confirmSubscription ?? visit)(payload.SubscribeURL);
    context.log.info('SNS subscription confirmed', { provider, topic: String(payload.TopicArn) });
    return json(200, { confirmed: true });
  }
  const parsed = parseProviderPayload(provider, payload);
  const result = await ingestEngagement(
    context.db,
    context.manifest,
    parsed.records.map((record) => ({ record })),
  );
  if (result.suppressed > 0) context.wake();
  if (parsed.problems.length > 0) context.log.warn('webhook records skipped', { provider, problems: parsed.problems.slice(0, 5) });
  return json(200, {
    loaded: result.loaded,
    duplicates: result.duplicates,
    skipped: result.skipped + parsed.problems.length,
    ignored: parsed.ignored,
  });
}

async function visit(url: string): Promise<void> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`the SubscribeURL answered HTTP ${response.status}`);
}
