import type { Attribution } from './attribution.ts';
import type { InsightData, Touch } from './data.ts';

/**
 * KPIs over time for the dashboard: per day, per journey, campaign, template, variant and segment,
 * the messages sent, opened and clicked (by the day they went out), and the conversions and
 * revenue attributed to them (by the day of the conversion, under the workspace's model).
 */
export const DIMENSIONS = ['journey', 'campaign', 'template', 'variant', 'segment'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Kpis {
  sent: number;
  opened: number;
  clicked: number;
  conversions: number;
  revenue: number;
}

export interface Series {
  dimension: Dimension;
  /** The value of the dimension (a journey's name, `cart_offer_test/ten_percent`, a segment). */
  key: string;
  /** By day (YYYY-MM-DD), ascending. */
  days: Array<{ day: string } & Kpis>;
  total: Kpis;
}

/** The segments a customer was in at an instant (absent: the dashboard has no segment view). */
export type SegmentsAt = (customerId: string, at: number) => readonly string[];

export function kpiSeries(data: InsightData, attribution: Attribution, segmentsAt?: SegmentsAt): Series[] {
  const byKey = new Map<string, Touch>();
  for (const t of data.touches) byKey.set(t.key, t);
  const conversionAt = new Map<string, number>();
  for (const c of data.conversions) conversionAt.set(c.id, c.at);
  const table = new Map<string, Map<string, Kpis>>();
  const add = (dimension: Dimension, key: string, day: string, delta: Partial<Kpis>) => {
    const id = `${dimension}\u0000${key}`;
    let days = table.get(id);
    if (!days) table.set(id, (days = new Map()));
    let k = days.get(day);
    if (!k) days.set(day, (k = { sent: 0, opened: 0, clicked: 0, conversions: 0, revenue: 0 }));
    for (const [name, value] of Object.entries(delta) as Array<[keyof Kpis, number]>) k[name] += value;
  };
  const keysOf = (t: Touch, at: number): Array<[Dimension, string]> => {
    const out: Array<[Dimension, string]> = [
      [t.originKind, t.originName],
      ['template', t.template],
    ];
    if (t.experiment !== undefined) out.push(['variant', `${t.experiment}/${t.variant}`]);
    if (segmentsAt) for (const s of segmentsAt(t.customerId, at)) out.push(['segment', s]);
    return out;
  };
  for (const t of data.touches) {
    if (!t.sent) continue;
    const day = dayOf(t.at);
    const delta = { sent: 1, opened: t.opened !== undefined ? 1 : 0, clicked: t.clicked !== undefined ? 1 : 0 };
    for (const [d, k] of keysOf(t, t.at)) add(d, k, day, delta);
  }
  for (const credit of attribution.credits) {
    const t = byKey.get(credit.messageKey);
    const at = conversionAt.get(credit.conversionId);
    if (!t || at === undefined) continue;
    for (const [d, k] of keysOf(t, t.at)) add(d, k, dayOf(at), { conversions: credit.weight, revenue: credit.revenue });
  }
  const out: Series[] = [];
  for (const [id, days] of table) {
    const [dimension, key] = id.split('\u0000') as [Dimension, string];
    const list = [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, k]) => ({ day, ...k }));
    const total = list.reduce(
      (s, d) => ({
        sent: s.sent + d.sent,
        opened: s.opened + d.opened,
        clicked: s.clicked + d.clicked,
        conversions: s.conversions + d.conversions,
        revenue: s.revenue + d.revenue,
      }),
      { sent: 0, opened: 0, clicked: 0, conversions: 0, revenue: 0 },
    );
    out.push({ dimension, key, days: list, total });
  }
  return out.sort((a, b) => DIMENSIONS.indexOf(a.dimension) - DIMENSIONS.indexOf(b.dimension) || (a.key < b.key ? -1 : 1));
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
