import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ServeResponse } from '../../serve/extension.ts';

/**
 * Keys for the read and admin endpoints, from the environment only (comma-separated, so a new key
 * can be added before the old one is retired), given as `Authorization: Bearer <key>` or as the
 * HTTP Basic user name. Compared in constant time by their hashes. With no key configured the
 * endpoints refuse every request: secure by default.
 */
export class AccessKeys {
  private readonly hashes: Buffer[];

  constructor(
    readonly variable: string,
    keys: readonly string[],
  ) {
    this.hashes = keys.map(digest);
  }

  static fromEnv(env: NodeJS.ProcessEnv, variable: string): AccessKeys {
    return new AccessKeys(
      variable,
      (env[variable] ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
    );
  }

  get configured(): boolean {
    return this.hashes.length > 0;
  }

  /** Undefined when the request may go on; else the response that refuses it. */
  check(headers: IncomingHttpHeaders): ServeResponse | undefined {
    if (!this.configured)
      return json(503, { error: `this endpoint is off: set ${this.variable} in the server's environment to enable it` });
    const given = keyOf(headers.authorization);
    if (given === undefined)
      return {
        ...json(401, { error: `authenticate with "Authorization: Bearer <key>" (the key in ${this.variable})` }),
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
      };
    const hash = digest(given);
    let ok = false;
    for (const h of this.hashes) ok = timingSafeEqual(h, hash) || ok;
    return ok ? undefined : json(403, { error: 'the key is not valid for this endpoint' });
  }
}

function keyOf(auth: string | undefined): string | undefined {
  if (!auth) return undefined;
  if (/^bearer /i.test(auth)) return auth.slice(7).trim() || undefined;
  if (/^basic /i.test(auth)) return Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function json(status: number, body: unknown): ServeResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A customer id in a log line: the personal-data module's masked id (first characters and a short hash). */
export { maskId as maskCustomerId } from '../../../compiler/contract/personal-data.ts';
