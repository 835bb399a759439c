import { hash } from 'node:crypto';
import type { DataModel, FieldDef } from '../../../compiler/contract/data-model.ts';
import { coerceValue, Invalid } from '../../ingest/coerce/values.ts';
import { makeTimestampParser, type TimestampParser } from '../../ingest/coerce/timestamp.ts';
import { defaultEventId, type MappedRow } from '../../ingest/map-row.ts';
import type { Row } from '../../ingest/store/types.ts';

/**
 * Segment HTTP Tracking API messages (`track`, `identify`, `page`) as rows of the workspace's data
 * model, with the coercion `herald ingest` applies to a source's mapped values (runtime/ingest/
 * coerce): `userId` is the customer id, `event` the event type, `properties` its fields, `traits`
 * the customer's fields, `timestamp` the event time, `messageId` the de-duplication key. Anything
 * the data model does not declare is refused, naming it; nothing of a refused message is stored.
 */

/** `events.source` of events that came in over HTTP. */
export const HTTP_EVENT_SOURCE = 'http';

export type MessageKind = 'track' | 'identify' | 'page';

export type MessageOutcome = { ok: true; mapped: MappedRow } | { ok: false; reason: string; message: string };

/** Properties every Segment library adds to page calls: kept when the data model declares them, else dropped. */
const PAGE_STANDARD = new Set(['name', 'path', 'url', 'title', 'referrer', 'search', 'category', 'keywords']);

/** Segment allows any messageId; Herald keys events by a hash of it (and refuses absurd ones). */
const MAX_MESSAGE_ID = 200;

export class MessageMapper {
  private readonly parseTimestamp: TimestampParser;
  private readonly propertyNames = new Map<string, string[]>();

  constructor(
    private readonly model: DataModel,
    timezone: string,
    private readonly now: () => number,
  ) {
    this.parseTimestamp = makeTimestampParser({ timezone });
    for (const [type, props] of Object.entries(model.events)) this.propertyNames.set(type, Object.keys(props).sort());
  }

  /** Whether the workspace takes `page` calls (it declares a `page_view` event type). */
  get takesPages(): boolean {
    return this.model.events.page_view !== undefined;
  }

  map(kind: MessageKind, message: unknown): MessageOutcome {
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return bad('invalid_message', 'a message must be a JSON object');
    const m = message as Record<string, unknown>;
    const id = coerceValue(m.userId, 'id', this.parseTimestamp);
    if (id instanceof Invalid) return bad(id.reason, `userId: ${id.detail}`);
    if (id === null) {
      return bad(
        'missing_user_id',
        m.anonymousId !== undefined
          ? 'userId is missing: Herald keeps customers by userId, so anonymous calls are not stored'
          : 'userId is missing',
      );
    }
    const messageId = m.messageId;
    if (
      messageId !== undefined &&
      messageId !== null &&
      (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > MAX_MESSAGE_ID)
    ) {
      return bad('invalid_message_id', `messageId must be a string of 1 to ${MAX_MESSAGE_ID} characters`);
    }
    if (kind === 'identify') return this.identify(id as string, m);
    return this.event(kind, id as string, m, typeof messageId === 'string' ? messageId : undefined);
  }

  private identify(id: string, m: Record<string, unknown>): MessageOutcome {
    const traits = objectOf(m.traits, 'traits');
    if (traits instanceof Invalid) return bad(traits.reason, traits.detail);
    const customer: Row = { id };
    const fields = this.model.customers.fields;
    for (const [name, value] of Object.entries(traits)) {
      if (name === 'id') continue;
      const def = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (!def) return bad('unknown_field', `traits.${name} is not a customer field of the data model${hint(name, Object.keys(fields))}`);
      const v = this.coerce(value, def);
      if (v instanceof Invalid) return bad(v.reason, `traits.${name}: ${v.detail}`);
      customer[name] = v;
    }
    return { ok: true, mapped: { customer } };
  }

  private event(kind: 'track' | 'page', id: string, m: Record<string, unknown>, messageId: string | undefined): MessageOutcome {
    let type: string;
    if (kind === 'page') {
      if (!this.takesPages)
        return bad('unknown_event_type', 'page calls are stored as page_view events, which the data model does not declare');
      type = 'page_view';
    } else {
      if (typeof m.event !== 'string' || m.event.trim() === '')
        return bad('missing_event_type', 'event is missing: a track call names its event type');
      type = m.event;
      if (!Object.hasOwn(this.model.events, type))
        return bad(
          'unknown_event_type',
          `event "${type}" is not an event type of the data model${hint(type, Object.keys(this.model.events))}`,
        );
    }
    const props = this.model.events[type]!;
    const properties = objectOf(m.properties, 'properties');
    if (properties instanceof Invalid) return bad(properties.reason, properties.detail);
    const at = this.timeOf(m);
    if (at instanceof Invalid) return bad(at.reason, `timestamp: ${at.detail}`);
    const event: Row = { type, customer_id: id, at };
    for (const [name, value] of Object.entries(properties)) {
      const def = Object.hasOwn(props, name) ? props[name] : undefined;
      if (!def) {
        if (kind === 'page' && PAGE_STANDARD.has(name)) continue;
        return bad('unknown_field', `properties.${name} is not a property of event "${type}"${hint(name, Object.keys(props))}`);
      }
      const v = this.coerce(value, def);
      if (v instanceof Invalid) return bad(v.reason, `properties.${name}: ${v.detail}`);
      event[name] = v;
    }
    // A retried call or batch carries the same messageId: the same event id, stored once. Without
    // one, the event's content is its key, as for a file line (ingest's default event id).
    event.id =
      messageId !== undefined ? messageEventId(messageId) : defaultEventId(HTTP_EVENT_SOURCE, event, this.propertyNames.get(type)!);
    event.source = HTTP_EVENT_SOURCE;
    return { ok: true, mapped: { event } };
  }

  /** `timestamp`, else `originalTimestamp`, else the time it arrived (Segment's own order). */
  private timeOf(m: Record<string, unknown>): number | Invalid {
    const given = m.timestamp ?? m.originalTimestamp;
    if (given === undefined || given === null) return this.now();
    if (typeof given !== 'string') return new Invalid('invalid_timestamp', 'must be an ISO 8601 string');
    const at = coerceValue(given, 'timestamp', this.parseTimestamp);
    return at === null ? this.now() : (at as number | Invalid);
  }

  private coerce(value: unknown, def: FieldDef): unknown {
    if (typeof value === 'object' && value !== null) return new Invalid('invalid_value', 'is an object or a list, not a single value');
    return coerceValue(value, def.type, this.parseTimestamp);
  }
}

/** The event id of a message: a hash of its messageId (ids of file events never start with `m.`). */
export function messageEventId(messageId: string): string {
  return `m.${hash('sha256', `segment\u001f${messageId}`, 'base64url').slice(0, 32)}`;
}

function objectOf(value: unknown, name: string): Record<string, unknown> | Invalid {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return new Invalid('invalid_message', `${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

function bad(reason: string, message: string): MessageOutcome {
  return { ok: false, reason, message };
}

/** ` (declared: a, b, c)`: what the data model has, so the sender sees the right spelling. */
function hint(name: string, known: string[]): string {
  if (known.length === 0) return '';
  const lower = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const close = known.find((k) => k.toLowerCase().replace(/[^a-z0-9]/g, '') === lower);
  if (close) return `; did you mean "${close}"?`;
  return ` (declared: ${known.slice().sort().slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})`;
}
