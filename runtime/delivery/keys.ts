import { createHmac } from 'node:crypto';

/**
 * Idempotency keys and Message-IDs. The key is the identity of a send: the same journey, version,
 * customer, entry and step (or campaign, version and customer) always give the same key, on every
 * machine and in every run, so inserting a send twice, re-running a window or retrying after a crash
 * all land on the one outbox row. The key is a keyed hash: it is safe in file names and headers and never
 * shows a customer id or address to a mail server or a recipient.
 */
export interface SendIdentity {
  kind: 'journey' | 'campaign';
  /** The journey's or campaign's name. */
  name: string;
  /** Its compiled version. */
  version: string;
  customerId: string;
  /** The journey entry id; absent for campaigns. */
  entryId?: string;
  /** The journey's `send` step; absent for campaigns. */
  step?: string;
}

/** Key format version, part of the hashed input: a change of format can never collide with old keys. */
const KEY_FORMAT = 'herald-send-v1';

/**
 * 32 lowercase hex digits (128 bits of HMAC-SHA-256). Keyed by the database's id key
 * (runtime/db/id-key.ts): a bare hash of a customer id could be matched to the customer by hashing
 * guessed ids, so a key would keep linking a forgotten customer to their sends.
 */
export function sendKey(identity: SendIdentity, idKey: Uint8Array): string {
  // NUL separators: no field value can make two different identities hash the same input.
  const input = [
    KEY_FORMAT,
    identity.kind,
    identity.name,
    identity.version,
    identity.customerId,
    identity.entryId ?? '',
    identity.step ?? '',
  ].join('\u0000');
  return createHmac('sha256', idKey).update(input).digest('hex').slice(0, 32);
}

/** What a key looks like; anything else is refused before it reaches a file name or a header. */
export const SEND_KEY_PATTERN = /^[0-9a-f]{32}$/;

export function isSendKey(value: string): boolean {
  return SEND_KEY_PATTERN.test(value);
}

/**
 * The RFC 5322 Message-ID (without angle brackets) of a send: `<key>@<domain>`. Receivers and
 * providers de-duplicate on it, so a message handed to an SMTP server twice (a crash after the
 * server accepted it and before Herald recorded that) is recognisably the same message.
 */
export function messageIdFor(key: string, domain: string): string {
  return `${key}@${domain}`;
}

/** The key of a Herald Message-ID (with or without angle brackets), or undefined for any other id. */
export function keyOfMessageId(messageId: string): string | undefined {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  const at = bare.indexOf('@');
  const key = at === -1 ? bare : bare.slice(0, at);
  return isSendKey(key) ? key : undefined;
}
