import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Write keys, as the Segment HTTP API takes them: the HTTP Basic user name (password empty). The
 * keys come only from the environment (comma-separated, so a new key can be added before the old
 * one is retired) and are compared in constant time, by their hashes.
 */
/** Authorization headers remembered as accepted (a sender sends the same one with every call). */
const MAX_REMEMBERED = 64;

export class WriteKeys {
  private readonly hashes: Buffer[];
  /**
   * Headers already accepted, so a sender's every call does not decode and hash its key again.
   * Only accepted headers are kept: a wrong key always takes the full constant-time comparison.
   */
  private readonly accepted = new Set<string>();

  constructor(keys: readonly string[]) {
    this.hashes = keys.map(digest);
  }

  static fromEnv(env: NodeJS.ProcessEnv, variable: string): WriteKeys {
    return new WriteKeys(
      (env[variable] ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
    );
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Whether the request carries one of the keys. */
  accepts(headers: IncomingHttpHeaders): boolean {
    const auth = headers.authorization;
    if (!auth || !/^basic /i.test(auth)) return false;
    if (this.accepted.has(auth)) return true;
    const user = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8').split(':')[0] ?? '';
    if (user === '') return false;
    const given = digest(user);
    let ok = false;
    for (const h of this.hashes) ok = timingSafeEqual(h, given) || ok;
    if (ok && this.accepted.size < MAX_REMEMBERED) this.accepted.add(auth);
    return ok;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
