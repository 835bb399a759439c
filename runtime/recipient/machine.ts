/**
 * Telling machine opens and clicks from a person's. Apple Mail Privacy Protection fetches every
 * image of every message from Apple's proxies (17.0.0.0/8) shortly after delivery, whether or not
 * the message is read; security scanners (Microsoft Defender, Mimecast, Proofpoint, Barracuda…)
 * follow every link of a message within seconds of its arrival. Such hits are still recorded, with
 * `machine: true`, so reports count people only.
 */
export interface Hit {
  kind: 'open' | 'click';
  userAgent: string;
  remoteAddress: string;
  method: string;
  at: number;
  sentAt: number;
  /** Clicks only: other links of the same message already hit in the last few seconds. */
  otherLinksJustHit?: number;
}

/** A person takes longer than this to open a message and click in it. */
export const SCANNER_WINDOW_MS = 10_000;

const SCANNER_AGENTS =
  /(bot|crawler|spider|scanner|preview|python-requests|curl\/|wget|go-http-client|java\/|okhttp|barracuda|mimecast|proofpoint|safelinks|symantec|trendmicro|forcepoint|headless|phantomjs|slurp)/i;

export function isMachine(hit: Hit): boolean {
  if (hit.method === 'HEAD') return true;
  const ua = hit.userAgent.trim();
  if (ua === '' || SCANNER_AGENTS.test(ua)) return true;
  if (hit.kind === 'open' && (isAppleProxy(hit.remoteAddress) || ua === 'Mozilla/5.0')) return true;
  if (hit.at - hit.sentAt < SCANNER_WINDOW_MS / (hit.kind === 'open' ? 5 : 1)) return true;
  if (hit.kind === 'click' && (hit.otherLinksJustHit ?? 0) >= 2) return true;
  return false;
}

/** Apple's 17.0.0.0/8 (IPv4, also as an IPv4-mapped IPv6 address). */
function isAppleProxy(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
