import type { Identity } from './identity.ts';
import type { MappedRow } from './map-row.ts';
import type { Row, StoreTx } from './store/types.ts';
import { nameTable } from '../../compiler/contract/core/own.ts';

/**
 * Where an accepted row lands, the same for every way data comes in (files through `herald ingest`,
 * events over HTTP through `herald serve`): the customer id resolved through aliases and, when the
 * data model merges by e-mail, merged with the stored customer of that address; the event moved
 * onto that customer; `updated_at` stamped. Returns the canonical customer id (synchronously
 * unless the database must be asked about an address seen for the first time), or undefined for a
 * row with neither customer nor event (an item only).
 */
export function placeRow(tx: StoreTx, identity: Identity, mapped: MappedRow, now: number): string | Promise<string> | undefined {
  const { customer, event } = mapped;
  if (customer) {
    const canonical = identity.canonicalFor(tx, customer);
    const finish = (id: string) => {
      customer.id = id;
      customer.updated_at = now;
      if (event) event.customer_id = id;
      return id;
    };
    return typeof canonical === 'string' ? finish(canonical) : canonical.then(finish);
  }
  if (event) {
    event.customer_id = identity.resolve(event.customer_id as string);
    return event.customer_id as string;
  }
  return undefined;
}

/**
 * Adds a placed row's customer to the batch about to be written: its profile merged field by field
 * into what the batch holds, or, for an event whose source maps no profile, a bare row so that the
 * event's customer always exists.
 */
export function collectCustomer(customers: Map<string, Row>, id: string, profile: Row | undefined, now: number): void {
  if (profile) mergeInto(customers, id, profile);
  else if (!customers.has(id)) customers.set(id, { id, updated_at: now });
}

/** Later rows of a batch update earlier ones field by field; a missing value never erases a known one. */
export function mergeInto(map: Map<string, Row>, id: string, row: Row): void {
  const before = map.get(id);
  if (!before) {
    map.set(id, Object.assign(nameTable(), row));
    return;
  }
  for (const k in row) {
    const v = row[k];
    if (v !== null && v !== undefined) before[k] = v;
  }
}
