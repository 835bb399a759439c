import { hash } from 'node:crypto';
import type { DataModel, FieldDef, FieldType } from '../../compiler/contract/data-model.ts';
import type { SourceBlock, RuleBlock } from '../../compiler/contract/source.ts';
import type { SourceRow } from './read/record.ts';
import { holds, type RowFn, type RowRuleCompiler } from './row-rules.ts';
import { coerceValue, Invalid, withoutValue } from './coerce/values.ts';
import { makeTimestampParser } from './coerce/timestamp.ts';
import { standardize } from './coerce/standardize.ts';
import type { Standardizer } from '../../compiler/contract/source.ts';
import type { Row } from './store/types.ts';
import { ITEM_ID_PROPERTY, normalizeItemId } from './coerce/item-id.ts';
import { own, nameTable } from '../../compiler/contract/core/own.ts';

/** What one source row becomes: a customer, an event, an item (each optional). */
export interface MappedRow {
  customer?: Row;
  event?: Row;
  item?: Row;
}

export type MapOutcome = { ok: true; mapped: MappedRow } | { ok: false; reason: string; detail: string; customerId: string | null };

interface Target {
  field: string;
  fn: RowFn;
  /** The mapped value to its stored form (coerced, standardized), or an Invalid. */
  convert: (value: unknown) => unknown;
}

/**
 * Coercion and standardization for one target, remembering its last input: consecutive lines of
 * an export repeat most values (an invoice's customer, time and country on every line), and both
 * steps are pure functions of the value.
 */
function converter(
  type: FieldType,
  parseTimestamp: ReturnType<typeof makeTimestampParser>,
  standardizer: Standardizer | undefined,
  def?: FieldDef,
): (value: unknown) => unknown {
  let lastIn: unknown = {};
  let lastOut: unknown;
  // A reject's reason is stored and printed: a personal field's value (an email, `pii: true`) is left out of it.
  const personal = type === 'email' || def?.pii === true;
  return (value) => {
    if (value === lastIn) return lastOut;
    let coerced = coerceValue(value, type, parseTimestamp);
    if (personal && coerced instanceof Invalid) coerced = withoutValue(coerced);
    lastIn = value;
    lastOut = standardizer && !(coerced instanceof Invalid) ? standardize(coerced, standardizer) : coerced;
    return lastOut;
  };
}

/** Item ids (items' `id`, events' `item_id`) in their one spelling (coerce/item-id.ts), after coercion. */
function itemIds(applies: boolean, convert: (value: unknown) => unknown): (value: unknown) => unknown {
  if (!applies) return convert;
  return (value) => {
    const out = convert(value);
    return typeof out === 'string' ? (normalizeItemId(out) ?? null) : out;
  };
}

/**
 * Compiles a Source's mappings once into a function from a raw row to the rows to store, or to a
 * reject with its reason. Order of checks: `reject_when` rules (first match wins), then each
 * mapping evaluated and coerced to its data-model type (a value that does not convert rejects the
 * row, naming the field), then required fields (customer id, event type, customer and time).
 */
export function compileRowMapper(source: SourceBlock, model: DataModel, compile: RowRuleCompiler): (row: SourceRow) => MapOutcome {
  const parseTimestamp = makeTimestampParser({ format: source.timestampFormat, timezone: source.timezone });
  const rejects = source.rejectWhen.map((r) => ({
    reason: r.reason,
    detail: `matches reject_when ${r.reason}: ${r.rule.text}`,
    fn: compile(r.rule),
  }));
  const targets = (block: Record<string, RuleBlock> | undefined, fields: Record<string, FieldDef>, prefix: string): Target[] =>
    Object.entries(block ?? {}).map(([field, rule]) => ({
      field,
      fn: compile(rule),
      convert: itemIds(
        prefix === 'items' && field === 'id',
        converter(
          field === 'id' ? 'id' : (own(fields, field)?.type ?? 'string'),
          parseTimestamp,
          own(source.standardize, `${prefix}.${field}`),
          own(fields, field),
        ),
      ),
    }));
  const customers = source.customers ? targets(source.customers, model.customers.fields, 'customers') : undefined;
  const items = source.items ? targets(source.items, model.items.fields, 'items') : undefined;
  const events = source.events
    ? {
        type: compile(source.events.type),
        customerId: compile(source.events.customer_id),
        toId: converter('id', parseTimestamp, undefined),
        at: compile(source.events.at),
        toTimestamp: converter('timestamp', parseTimestamp, undefined),
        properties: Object.entries(source.events.properties).map(([field, rule]) => ({
          field,
          fn: compile(rule),
          label: `events.properties.${field}`,
          // The property's type depends on the event type the row resolves to.
          convertFor: convertersByType(model, field, (def) =>
            itemIds(field === ITEM_ID_PROPERTY, converter(def.type, parseTimestamp, own(source.standardize, `events.${field}`), def)),
          ),
        })),
      }
    : undefined;
  const eventKey = source.eventId ? compile(source.eventId) : undefined;
  const propertyNames = Object.keys(source.events?.properties ?? {}).sort();
  const customerIdFn = source.customers?.id ? compile(source.customers.id) : events?.customerId;

  return (row) => {
    let stage = 'reject_when';
    try {
      for (const r of rejects) {
        if (holds(r.fn(row))) return reject(r.reason, r.detail, row, customerIdFn);
      }
      const mapped: MappedRow = {};
      if (customers) {
        stage = 'customers';
        const customer = mapTargets(customers, row, 'customers');
        if ('reason' in customer) return reject(customer.reason, customer.detail, row, customerIdFn);
        if (customer.row.id === null) return reject('missing_customer_id', 'customers.id is empty', row, customerIdFn);
        mapped.customer = customer.row;
      }
      if (events) {
        stage = 'events';
        const type = events.type(row);
        if (typeof type !== 'string' || type === '') return reject('missing_event_type', 'events.type is empty', row, customerIdFn);
        const props = own(model.events, type);
        if (!props)
          return reject('unknown_event_type', `events.type is "${type}", which the data model does not declare`, row, customerIdFn);
        const customerId = events.toId(events.customerId(row));
        if (customerId instanceof Invalid) return reject(customerId.reason, `events.customer_id: ${customerId.detail}`, row, customerIdFn);
        if (customerId === null) return reject('missing_customer_id', 'events.customer_id is empty', row, customerIdFn);
        const at = events.toTimestamp(events.at(row));
        if (at instanceof Invalid) return reject(at.reason, `events.at: ${at.detail}`, row, customerIdFn);
        if (at === null) return reject('missing_timestamp', 'events.at is empty', row, customerIdFn);
        const event: Row = nameTable();
        event.type = type;
        event.customer_id = customerId;
        event.at = at;
        for (const p of events.properties) {
          const convert = own(p.convertFor, type);
          // The mapping serves every event type; a property the resolved type lacks stays empty.
          if (!convert) continue;
          const value = convert(p.fn(row));
          if (value instanceof Invalid) return reject(value.reason, `${p.label}: ${value.detail}`, row, customerIdFn);
          event[p.field] = value;
        }
        stage = 'event_id';
        event.id = eventKey ? keyOf(eventKey(row)) : defaultEventId(source.name, event, propertyNames);
        if (event.id === null) return reject('missing_event_id', `event_id is empty: ${source.eventId!.text}`, row, customerIdFn);
        mapped.event = event;
        if (mapped.customer && mapped.customer.id !== event.customer_id) {
          return reject(
            'conflicting_customer_id',
            `customers.id "${mapped.customer.id}" differs from events.customer_id "${event.customer_id}"`,
            row,
            customerIdFn,
          );
        }
      }
      if (items) {
        stage = 'items';
        const item = mapTargets(items, row, 'items');
        if ('reason' in item) return reject(item.reason, item.detail, row, customerIdFn);
        if (item.row.id !== null) mapped.item = item.row;
      }
      return { ok: true, mapped };
    } catch (e) {
      return reject('mapping_error', `${stage}: ${(e as Error).message}`, row, undefined);
    }
  };
}

/** A property's converter per event type that declares it (a map without prototype: types are user names). */
function convertersByType(
  model: DataModel,
  field: string,
  make: (def: FieldDef) => (value: unknown) => unknown,
): Record<string, (value: unknown) => unknown> {
  const out = nameTable<(value: unknown) => unknown>();
  for (const [type, props] of Object.entries(model.events)) {
    const def = own(props, field);
    if (def !== undefined) out[type] = make(def);
  }
  return out;
}

function mapTargets(targets: Target[], row: SourceRow, prefix: string): { row: Row } | { reason: string; detail: string } {
  const out: Row = nameTable();
  for (const t of targets) {
    const value = t.convert(t.fn(row));
    if (value instanceof Invalid) return { reason: value.reason, detail: `${prefix}.${t.field}: ${value.detail}` };
    out[t.field] = value;
  }
  return { row: out };
}

function reject(reason: string, detail: string, row: SourceRow, customerIdFn: RowFn | undefined): MapOutcome {
  let customerId: string | null = null;
  if (customerIdFn) {
    try {
      const id = coerceValue(customerIdFn(row), 'id', () => null);
      if (typeof id === 'string') customerId = id;
    } catch {
      // The id is only kept so `forget` finds the row; a row whose id cannot be read has none.
    }
  }
  return { ok: false, reason, detail, customerId };
}

function keyOf(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

/**
 * The default de-duplication key: a hash of the source name and the mapped event (type, customer,
 * time and properties in name order), so the same line loaded twice, or twice in a file, is one
 * event. `properties` is the sorted list of the event's property names. The key starts with the
 * event time (fixed-width base 36), so keys of one load sit together in the primary-key index:
 * a day's file touches a few index pages instead of pages all over it, which makes committing a
 * file several times cheaper. Two keys are equal exactly when their hashes are.
 */
export function defaultEventId(source: string, event: Row, properties: readonly string[]): string {
  let text = `${source}\u001f${event.type}\u001f${event.customer_id}\u001f${event.at}`;
  for (const k of properties) {
    const v = event[k];
    text += `\u001f${k}=${v === null || v === undefined ? '\u0000' : String(v)}`;
  }
  return `${timePrefix(event.at as number)}${hash('sha256', text, 'base64url').slice(0, 27)}`;
}

let lastAt = NaN;
let lastPrefix = '';

/** Milliseconds from 1691 on (2^43 ms before 1970) in 9 base-36 digits: sorts like the time. */
function timePrefix(at: number): string {
  // Consecutive events share their time (the lines of one invoice): reuse the last prefix.
  if (at !== lastAt) {
    lastAt = at;
    lastPrefix = Math.max(0, at + 2 ** 43)
      .toString(36)
      .padStart(9, '0');
  }
  return lastPrefix;
}
