import { createPrivateKey, type KeyObject } from 'node:crypto';
import DKIM from 'nodemailer/lib/dkim';
import { DELIVERY_CODES, DeliveryError } from '../delivery/problems.ts';
import type { DeliverySettings } from '../delivery/settings.ts';
import { signEd25519 } from './dkim-ed25519.ts';
import { deliveryRunMessages } from '../../compiler/contract/messages/delivery-run.ts';

/**
 * DKIM signing (RFC 6376) of every message, relaxed/relaxed: an RSA key signs `rsa-sha256` with
 * nodemailer's signer, an Ed25519 key `ed25519-sha256` (RFC 8463) with Herald's own
 * (dkim-ed25519.ts), since nodemailer's knows RSA only. The signed headers include
 * List-Unsubscribe and List-Unsubscribe-Post, as RFC 8058 §4 asks: a receiver honours one-click
 * unsubscribe only when those headers are covered by a valid signature. The private key is read
 * from the environment variable the settings name, never from YAML.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'To',
  'Subject',
  'Date',
  'Message-ID',
  'Reply-To',
  'MIME-Version',
  'Content-Type',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
];

export interface DkimSigner {
  sign(mime: string): Promise<string>;
}

/** The signer the settings ask for, or undefined; a missing or unusable key stops the run first, naming the variable. */
export function dkimSignerOf(settings: DeliverySettings, env: NodeJS.ProcessEnv): DkimSigner | undefined {
  const dkim = settings.dkim;
  if (!dkim) return undefined;
  const pem = env[dkim.privateKeyEnv];
  const refuse = (why: string) =>
    new DeliveryError({
      code: DELIVERY_CODES.settings,
      severity: 'error',
      message: deliveryRunMessages.HL530({ dkimKeyEnv: dkim.privateKeyEnv, why }),
      help: `set ${dkim.privateKeyEnv} to the PEM private key (RSA, or Ed25519 for ed25519-sha256) whose public key is published at ${dkim.selector}._domainkey.${dkim.domain}`,
    });
  if (!pem || pem.trim() === '') throw refuse('is not set');
  // Environments often carry a PEM on one line with literal \n.
  const text = pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem;
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    throw refuse('does not hold a PEM private key');
  }
  if (key.asymmetricKeyType === 'ed25519') {
    const options = { domain: dkim.domain, selector: dkim.selector, key, headers: DKIM_SIGNED_HEADERS };
    return { sign: async (mime: string) => signEd25519(mime, options) };
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw refuse(`holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)`);
  const signer = new DKIM({
    domainName: dkim.domain,
    keySelector: dkim.selector,
    privateKey: text,
    headerFieldNames: DKIM_SIGNED_HEADERS.join(':'),
  });
  return {
    async sign(mime: string): Promise<string> {
      const chunks: Buffer[] = [];
      for await (const chunk of signer.sign(mime)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
