/**
 * Date-times as journeys, campaigns and tests write them, turned into the times the runtime
 * computes with. Pure: no clock, no time zone database (a local time stays a wall-clock time here;
 * the runtime reads it in the right zone). Durations and times of day: contract/core/durations.ts.
 */
import { parseDateTime } from '../../contract/core/instants.ts';
import type { CompiledTime } from '../../contract/journey.ts';

const PER_CUSTOMER = ' local';

/**
 * A date or date-time: with `Z` or an offset it is an instant; without, a wall-clock time in the
 * workspace's zone; with ` local`, a wall-clock time in each customer's zone. Undefined when the
 * text does not name a real moment (30 February, 24:00).
 */
export function parseTime(text: string): CompiledTime | undefined {
  const perCustomer = text.endsWith(PER_CUSTOMER);
  const t = parseDateTime(perCustomer ? text.slice(0, -PER_CUSTOMER.length) : text);
  if (t === undefined || (perCustomer && t.offsetMs !== undefined)) return undefined;
  if (t.offsetMs === undefined) return { kind: 'local', wallClock: t.wallClock, perCustomer };
  return { kind: 'instant', at: t.wallClock - t.offsetMs };
}
