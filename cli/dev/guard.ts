import { randomBytes, timingSafeEqual } from 'node:crypto';

const COOKIE = 'herald_dev_token';

/**
 * Who may talk to the preview server. It listens on loopback, but a web page can still reach it
 * through DNS rebinding (its own host name resolving to 127.0.0.1), so requests must name a
 * loopback host (or the address the server was told to listen on) with the server's port. Personal
 * data also needs the session's random token: given once in the start URL, then kept as a strict
 * same-site, HTTP-only cookie, so no other page or local user can ask for it.
 */
export class SessionGuard {
  readonly token = randomBytes(24).toString('base64url');
  port = 0;
  private readonly hosts: Set<string>;

  constructor(listenHost: string) {
    const names = ['localhost', '127.0.0.1', '[::1]'];
    // `--host` given explicitly (e.g. a LAN address) is allowed as the name it was given.
    const given = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
    if (given !== '0.0.0.0' && given !== '[::]') names.push(given.toLowerCase());
    this.hosts = new Set(names);
  }

  /** Why a Host header is refused, or undefined when it names this server. */
  checkHost(host: string | undefined): string | undefined {
    const allowed = [...this.hosts].map((h) => `${h}:${this.port}`);
    if (host !== undefined && allowed.includes(host.toLowerCase())) return undefined;
    return `herald dev answers only requests for ${allowed.join(', ')}; this one was for ${host === undefined ? 'no host' : JSON.stringify(host.slice(0, 100))}`;
  }

  /** Whether the request holds the token (in the query, or the cookie a query token set). */
  access(queryToken: string | null, cookieHeader: string | undefined): { authorized: boolean; setCookie?: string } {
    if (queryToken !== null && this.matches(queryToken)) {
      return { authorized: true, setCookie: `${COOKIE}=${this.token}; Path=/; HttpOnly; SameSite=Strict` };
    }
    const cookie = (cookieHeader ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${COOKIE}=`));
    return { authorized: cookie !== undefined && this.matches(cookie.slice(COOKIE.length + 1)) };
  }

  private matches(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
