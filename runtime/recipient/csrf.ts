import type { LinkSigner } from './tokens.ts';

/**
 * CSRF protection of the preferences and unsubscribe forms. The form carries a token signed for
 * its message and the hour it was shown (valid for a day), so another site cannot forge a change
 * for a recipient whose link it does not know; and a browser's Origin or Sec-Fetch-Site header,
 * when sent, must say the form came from the page itself.
 */
const HOUR = 3_600_000;
const VALID_HOURS = 24;

export function formToken(signer: LinkSigner, messageKey: string, now: number): string {
  const hour = Math.floor(now / HOUR).toString(36);
  return `${hour}.${signer.sign('form', messageKey, hour)}`;
}

export function checkFormToken(signer: LinkSigner, messageKey: string, token: string | null, now: number): boolean {
  if (!token || token.length > 100) return false;
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  const hourText = token.slice(0, dot);
  if (!/^[0-9a-z]{1,10}$/.test(hourText)) return false;
  const hour = parseInt(hourText, 36);
  const current = Math.floor(now / HOUR);
  if (hour > current || current - hour >= VALID_HOURS) return false;
  return signer.verify(token.slice(dot + 1), 'form', hourText) === messageKey;
}

/**
 * False for a request a browser says came from another site: its Origin is neither the configured
 * links' origin nor the host it was sent to (a server reached directly, as in a dry run).
 */
export function sameOrigin(headers: Record<string, string | string[] | undefined>, configuredOrigin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined || origin === 'null') return true;
  if (origin === configuredOrigin) return true;
  const host = headers.host;
  if (typeof origin !== 'string' || typeof host !== 'string') return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
