import { createVerify, X509Certificate } from 'node:crypto';
import { isObject, type Verdict } from './types.ts';

/**
 * Amazon SNS message signatures (how SES notifications arrive over HTTP). Each message names the
 * certificate that signed it (`SigningCertURL`); Herald fetches it only from an Amazon SNS host
 * over https (anything else is refused before any request is made), checks the signature over the
 * message's canonical fields (SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2), and accepts
 * only topics the environment lists, since anyone can create an SNS topic and sign with it.
 */
export type CertificateFetcher = (url: string) => Promise<string>;

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Whether a URL is an https URL on an Amazon SNS host (for certificates and subscription confirmations). */
export function isSnsUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && SNS_HOST.test(url.hostname) && url.port === '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const SUBSCRIPTION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** The text SNS signs: each present field's name and value on their own lines, in a fixed order. */
export function stringToSign(message: Record<string, unknown>): string {
  const fields = message.Type === 'Notification' ? NOTIFICATION_FIELDS : SUBSCRIPTION_FIELDS;
  let out = '';
  for (const f of fields) if (typeof message[f] === 'string') out += `${f}\n${message[f] as string}\n`;
  return out;
}

/** A fetched certificate is reused: SNS signs with the same one for a long time. */
const certificates = new Map<string, X509Certificate>();

export async function verifySnsMessage(
  message: unknown,
  topics: readonly string[],
  fetchCertificate: CertificateFetcher,
  now: number,
): Promise<Verdict> {
  if (!isObject(message) || typeof message.Type !== 'string' || typeof message.Signature !== 'string')
    return { ok: false, status: 401, reason: 'not a signed SNS message' };
  if (!['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'].includes(message.Type))
    return { ok: false, status: 400, reason: `SNS message type ${message.Type} is not handled` };
  if (typeof message.TopicArn !== 'string' || !topics.includes(message.TopicArn))
    return { ok: false, status: 401, reason: 'the SNS topic is not one this server accepts (HERALD_SES_TOPIC_ARNS)' };
  if (!isSnsUrl(message.SigningCertURL)) return { ok: false, status: 401, reason: 'the signing certificate is not on an Amazon SNS host' };
  const algorithm = message.SignatureVersion === '2' ? 'RSA-SHA256' : message.SignatureVersion === '1' ? 'RSA-SHA1' : undefined;
  if (!algorithm) return { ok: false, status: 401, reason: 'unknown SNS SignatureVersion' };
  let certificate = certificates.get(message.SigningCertURL);
  if (!certificate) {
    try {
      certificate = new X509Certificate(await fetchCertificate(message.SigningCertURL));
    } catch {
      return { ok: false, status: 401, reason: 'the signing certificate could not be fetched or read' };
    }
    if (Date.parse(certificate.validTo) < now || Date.parse(certificate.validFrom) > now)
      return { ok: false, status: 401, reason: 'the signing certificate is not valid now' };
    if (certificates.size > 100) certificates.clear();
    certificates.set(message.SigningCertURL, certificate);
  }
  const verifier = createVerify(algorithm);
  verifier.update(stringToSign(message), 'utf8');
  if (!verifier.verify(certificate.publicKey, Buffer.from(message.Signature, 'base64')))
    return { ok: false, status: 401, reason: 'the SNS signature does not match' };
  return { ok: true };
}

/** Fetches over https with the platform's fetch (no redirects followed, a short timeout). */
export const httpsCertificateFetcher: CertificateFetcher = async (url) => {
  if (!isSnsUrl(url)) throw new Error('not an SNS URL');
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
};
