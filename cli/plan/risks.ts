import type { CampaignImpact, Forecast, ModelImpact, Risk, SegmentImpact, TemplateImpact } from './document.ts';
import type { PlanOptions } from './options.ts';
import { formatCount, formatPercent } from './format/numbers.ts';
import { messageOf } from '../../compiler/diagnostics/catalogue/index.ts';

export interface RiskInputs {
  segments: readonly SegmentImpact[];
  campaigns: readonly CampaignImpact[];
  templates: readonly TemplateImpact[];
  models: readonly ModelImpact[];
  forecast: Forecast | null;
}

/**
 * What a reviewer should look at twice: an audience that grows or shrinks past the threshold
 * (HL550), a journey or campaign that would email more customers on its first day than the limit
 * (HL551), a template whose emails no longer carry the unsubscribe link (HL552), and a model whose
 * version for the new spec scores worse than the active one (HL553).
 */
export function findRisks(inputs: RiskInputs, options: PlanOptions): Risk[] {
  const risks: Risk[] = [];
  for (const s of inputs.segments) {
    if (s.before === null || s.after === null || s.change === 'unchanged' || s.before === s.after) continue;
    const ratio = s.before === 0 ? Infinity : Math.abs(s.after - s.before) / s.before;
    if (ratio <= options.maxAudienceChange) continue;
    const by = Number.isFinite(ratio) ? `by ${formatPercent(ratio)}` : 'from none';
    risks.push({
      code: 'HL550',
      severity: 'warning',
      definition: `Segment/${s.name}`,
      message: messageOf('HL550', {
        segment: s.name,
        grows: s.after > s.before,
        by,
        before: formatCount(s.before),
        after: formatCount(s.after),
        threshold: formatPercent(options.maxAudienceChange),
      }),
    });
  }
  const firstDay = new Map<string, number>();
  for (const o of inputs.forecast?.by_origin ?? []) firstDay.set(`${o.kind === 'journey' ? 'Journey' : 'Campaign'}/${o.name}`, o.first_day);
  // Without a forecast, a campaign's first day is its whole reachable audience.
  for (const c of inputs.campaigns)
    if (!firstDay.has(`Campaign/${c.name}`) && c.recipients.after !== null) firstDay.set(`Campaign/${c.name}`, c.recipients.after);
  for (const [key, sends] of [...firstDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (sends <= options.maxFirstDaySends) continue;
    risks.push({
      code: 'HL551',
      severity: 'warning',
      definition: key,
      message: messageOf('HL551', { name: key.split('/')[1]!, sends: formatCount(sends), limit: formatCount(options.maxFirstDaySends) }),
    });
  }
  for (const t of inputs.templates) {
    const nowTransactional = t.category.before === 'marketing' && t.category.after === 'transactional';
    if (t.unsubscribe.before === true && t.unsubscribe.after === false) {
      risks.push({
        code: 'HL552',
        severity: 'error',
        definition: `Template/${t.name}`,
        message: messageOf('HL552', { template: t.name, lostLink: true, nowTransactional }),
      });
    } else if (nowTransactional) {
      risks.push({
        code: 'HL552',
        severity: 'warning',
        definition: `Template/${t.name}`,
        message: messageOf('HL552', { template: t.name, nowTransactional: true }),
      });
    }
  }
  for (const m of inputs.models) {
    if (m.worse !== true) continue;
    risks.push({
      code: 'HL553',
      severity: 'warning',
      definition: `Model/${m.name}`,
      message: messageOf('HL553', { model: m.name, note: m.note }),
    });
  }
  return risks;
}
