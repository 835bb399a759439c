import { createHmac, timingSafeEqual } from 'node:crypto';
import { isSendKey } from '../delivery/keys.ts';
import type { LinkSecret } from './secret.ts';

/**
 * Per-message link tokens: `k<key><mac>`, where `k` is the format version (a letter: a digit `1`
 * before 32 hex digits reads as a Bitcoin address to spam filters, SpamAssassin's PDS_BTC_ID), `<key>` the send's
 * idempotency key (32 hex digits: a hash that never shows a customer id or address) and `<mac>`
 * the first 128 bits of HMAC-SHA256 under the link secret over the format, the link's purpose
 * (unsubscribe, preferences, click, open), the key and, for a click, the link's id, in base64url.
 *
 * So a token is tied to one message and one purpose: nobody without the secret can make one for
 * another message (knowing a campaign, its version and a customer id no longer helps), a click
 * token cannot be replayed as an unsubscribe token, and a token for link 3 does not open link 4.
 * Verification tries every key of the secret (rotation) and compares in constant time.
 */
export type LinkPurpose = 'unsubscribe' | 'preferences' | 'click' | 'open' | 'form';

export const TOKEN_VERSION = 'k';
const MAC_BYTES = 16;
/** 16 bytes of base64url without padding. */
const MAC_CHARS = 22;
export const TOKEN_LENGTH = 1 + 32 + MAC_CHARS;
const TOKEN_PATTERN = /^k[0-9a-f]{32}[A-Za-z0-9_-]{22}$/;
/** Link ids (and a form token's hour) are short of the link's URL (compiler/templates/tracked-links.ts). */
export const LINK_ID_PATTERN = /^[0-9a-f]{1,16}$/;

function mac(key: Buffer, purpose: LinkPurpose, messageKey: string, linkId: string): Buffer {
  return createHmac('sha256', key)
    .update(`herald-link-v${TOKEN_VERSION}\u0000${purpose}\u0000${messageKey}\u0000${linkId}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export class LinkSigner {
  constructor(readonly secret: LinkSecret) {
    if (secret.keys.length === 0) throw new Error('internal: a link secret needs at least one key');
  }

  /** The token of one message's link; `linkId` only for clicks. */
  sign(purpose: LinkPurpose, messageKey: string, linkId = ''): string {
    if (!isSendKey(messageKey)) throw new Error('internal: a link token names a message by its 32-digit key');
    return `${TOKEN_VERSION}${messageKey}${mac(this.secret.keys[0]!, purpose, messageKey, linkId).toString('base64url')}`;
  }

  /**
   * The message key a token names when it is genuine for this purpose (and link), else undefined:
   * malformed, another version, another purpose or link, or signed under no key of the secret.
   */
  verify(token: string, purpose: LinkPurpose, linkId = ''): string | undefined {
    if (token.length !== TOKEN_LENGTH || !TOKEN_PATTERN.test(token)) return undefined;
    const messageKey = token.slice(1, 33);
    const given = Buffer.from(token.slice(33), 'base64url');
    // The last base64 character carries 4 unused bits: only the canonical spelling is accepted, so
    // one message's link has exactly one token.
    if (given.length !== MAC_BYTES || given.toString('base64url') !== token.slice(33)) return undefined;
    let ok = false;
    // Every key is tried (no early exit), so the time taken does not say which key matched.
    for (const key of this.secret.keys) if (timingSafeEqual(given, mac(key, purpose, messageKey, linkId))) ok = true;
    return ok ? messageKey : undefined;
  }

  /**
   * A stable message key for a render that is not a send (a preview): keyed by the secret, so
   * knowing the template and a customer id does not give it away.
   */
  previewKey(template: string, customerId: string): string {
    return createHmac('sha256', this.secret.keys[0]!)
      .update(`herald-preview-v${TOKEN_VERSION}\u0000${template}\u0000${customerId}`)
      .digest('hex')
      .slice(0, 32);
  }
}

/** The URLs of one message's links, under the workspace's bases. */
export interface MessageLinks {
  unsubscribe_url: string;
  preferences_url: string;
}

export function messageLinks(
  signer: LinkSigner,
  messageKey: string,
  bases: { unsubscribeUrl: string; preferencesUrl: string },
): MessageLinks {
  return {
    unsubscribe_url: `${bases.unsubscribeUrl}/${signer.sign('unsubscribe', messageKey)}`,
    preferences_url: `${bases.preferencesUrl}/${signer.sign('preferences', messageKey)}`,
  };
}
