import { createHash, createHmac } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { loadIdKey } from '../db/id-key.ts';

/**
 * What the forget audit log (`herald_forget_log.customer_hash`) holds instead of a customer id: an
 * HMAC of the id under the database's id key (migration 010, the key of send keys and journey
 * entry ids). A bare hash of the id would link the audit row back to the customer by hashing
 * guesses (ids are short and often sequential); without the key, which lives only in this
 * database, the row proves an erasure and names no one. Keyed values carry a `k1:` prefix so they
 * are told apart from the bare hashes written before (see `ForgottenCustomers`).
 */
const KEYED = 'k1:';

export function forgetHash(id: string, idKey: Uint8Array): string {
  return KEYED + createHmac('sha256', idKey).update(`herald-forget-v1\u0000${id}`).digest('hex');
}

/** The unkeyed hash older versions stored; only read, to keep recognising who they erased. */
function legacyHash(id: string): string {
  return createHash('sha256').update(`herald-forget:${id}`).digest('hex');
}

/**
 * The customers erased by `herald forget`, whose rows later loads reject (`forgotten_customer`).
 * Audit rows written before ids were keyed hold the bare hash: they still count, since a
 * forgotten customer must never come back with a reloaded file.
 */
export class ForgottenCustomers {
  static readonly none = new ForgottenCustomers(new Set(), new Set(), new Uint8Array());

  private constructor(
    private readonly keyed: ReadonlySet<string>,
    private readonly legacy: ReadonlySet<string>,
    private readonly idKey: Uint8Array,
  ) {}

  static async load(db: Database): Promise<ForgottenCustomers> {
    const rows = await db.kysely.selectFrom('herald_forget_log').select('customer_hash').execute();
    if (rows.length === 0) return ForgottenCustomers.none;
    const keyed = new Set<string>();
    const legacy = new Set<string>();
    for (const r of rows) {
      const hash = String(r.customer_hash);
      (hash.startsWith(KEYED) ? keyed : legacy).add(hash);
    }
    return new ForgottenCustomers(keyed, legacy, await loadIdKey(db.kysely));
  }

  get size(): number {
    return this.keyed.size + this.legacy.size;
  }

  /** Whether this id belongs to an erased customer (anything but a string id never does). */
  has(id: unknown): boolean {
    if (typeof id !== 'string' || this.size === 0) return false;
    return (this.keyed.size > 0 && this.keyed.has(forgetHash(id, this.idKey))) || (this.legacy.size > 0 && this.legacy.has(legacyHash(id)));
  }
}
