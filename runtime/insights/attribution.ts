import { groupBy, type Conversion, type InsightData, type Touch } from './data.ts';

/**
 * Attribution: which messages get the credit for a conversion. Four named models, chosen per
 * workspace (`delivery.report.attribution.model`):
 *
 * - `last_click`: the last message the customer clicked within the window before the conversion
 *   gets all of it;
 * - `first_touch`: the first message sent to the customer within the window gets all of it;
 * - `linear`: every message sent within the window gets an equal share;
 * - `position_based`: the first and the last message sent within the window get 40% each and
 *   the ones between share the remaining 20% (one message: all of it; two: half each).
 *
 * A message "within the window" went out (or was clicked, for last click) at most `window` before
 * the conversion and strictly before it. Every credit names the conversion event and the message
 * (its idempotency key), so each credited conversion can be traced to the messages behind it; the
 * shares of a conversion sum to 1, so credited and unattributed totals add up to all conversions.
 */
export const ATTRIBUTION_MODELS = ['last_click', 'first_touch', 'linear', 'position_based'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export interface Credit {
  conversionId: string;
  messageKey: string;
  /** This message's share of the conversion, in (0, 1]. */
  weight: number;
  /** weight × the conversion's revenue. */
  revenue: number;
}

export interface AttributionTotals {
  conversions: number;
  revenue: number;
}

export interface Attribution {
  model: AttributionModel;
  windowMs: number;
  credits: Credit[];
  /** Credited conversions and revenue by message key (the sum of its shares). */
  byMessage: Map<string, AttributionTotals>;
  /** All conversions of the customers in the data, credited or not. */
  total: AttributionTotals;
  /** What no message earned (no touch in the window). */
  unattributed: AttributionTotals;
}

export function attribute(data: InsightData, model: AttributionModel, windowMs: number): Attribution {
  const sent = data.touches.filter((t) => t.sent && (model !== 'last_click' || t.clicked !== undefined));
  const byCustomer = new Map<string, { touches: Touch[]; times: Float64Array }>();
  for (const [id, list] of groupBy(sent, (t) => t.customerId)) {
    list.sort((a, b) => instant(a, model) - instant(b, model) || (a.key < b.key ? -1 : 1));
    byCustomer.set(id, { touches: list, times: Float64Array.from(list, (t) => instant(t, model)) });
  }
  const credits: Credit[] = [];
  const byMessage = new Map<string, AttributionTotals>();
  const total = { conversions: 0, revenue: 0 };
  const unattributed = { conversions: 0, revenue: 0 };
  for (const c of data.conversions) {
    total.conversions++;
    total.revenue += c.revenue;
    const shares = sharesOf(byCustomer.get(c.customerId), c, model, windowMs);
    if (shares.length === 0) {
      unattributed.conversions++;
      unattributed.revenue += c.revenue;
      continue;
    }
    for (const [touch, weight] of shares) {
      const credit = { conversionId: c.id, messageKey: touch.key, weight, revenue: weight * c.revenue };
      credits.push(credit);
      const m = byMessage.get(touch.key) ?? { conversions: 0, revenue: 0 };
      m.conversions += weight;
      m.revenue += credit.revenue;
      byMessage.set(touch.key, m);
    }
  }
  return { model, windowMs, credits, byMessage, total, unattributed };
}

/** The instant a touch counts from: its click for last click, else when it was sent. */
function instant(t: Touch, model: AttributionModel): number {
  return model === 'last_click' ? t.clicked! : t.at;
}

/** The touches in `[at − window, at)` and their shares under the model. */
function sharesOf(
  history: { touches: Touch[]; times: Float64Array } | undefined,
  c: Conversion,
  model: AttributionModel,
  windowMs: number,
): Array<[Touch, number]> {
  if (!history) return [];
  // Strictly before the conversion: the first index with time >= at, by the upper bound of at − ε.
  const end = lowerBound(history.times, c.at);
  const start = lowerBound(history.times, c.at - windowMs);
  const inWindow = history.touches.slice(start, end);
  const n = inWindow.length;
  if (n === 0) return [];
  switch (model) {
    case 'last_click':
      return [[inWindow[n - 1]!, 1]];
    case 'first_touch':
      return [[inWindow[0]!, 1]];
    case 'linear':
      return inWindow.map((t) => [t, 1 / n]);
    case 'position_based':
      if (n === 1) return [[inWindow[0]!, 1]];
      if (n === 2)
        return [
          [inWindow[0]!, 0.5],
          [inWindow[1]!, 0.5],
        ];
      return inWindow.map((t, i) => [t, i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)]);
  }
}

/** The index of the first element >= value. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
