import type { CodeEntry, MessageTable } from './types.ts';

/** Codes of the report's settings (HL396) and of experiment planning in `herald plan` and `herald test` (HL397). */
export const insightsCodes: CodeEntry[] = [
  {
    code: 'HL396',
    title: 'revenue is not a number property of the conversion event',
    severity: 'error',
    explanation:
      '`delivery.report.revenue` names the property of the conversion event (`conversion_event`, default `purchase`) whose value is the revenue of a conversion: `herald report` sums it for attributed revenue, incremental revenue per recipient and ROI. It must be declared on that event with type number, e.g. `purchase: { amount: number }` and `revenue: amount`.',
  },
  {
    code: 'HL397',
    title: 'experiment cannot detect its minimum effect',
    severity: 'warning',
    explanation:
      'A split says which effect the team wants to see (`minimum_effect`, an absolute change of the conversion rate, e.g. 0.02 for two percentage points), and with the audience the plan expects and the base conversion rate of the data, the smallest effect the split can detect at 80% power and a two-sided 5% level (Bonferroni-corrected when more than two variants are compared) is larger. The test would most likely end "no significant difference" even if the effect is real. Give the split more customers (a longer run, a larger audience), fewer variants, or a larger holdout; or accept a larger minimum effect.',
  },
];

/** Messages of the insights codes raised while analyzing definitions (compiler/3-analyze). */
export const insightsAnalyzeMessages = {
  HL396: (p: { revenue: string; value: string; what: string }) =>
    `revenue property "${p.revenue}" of conversion event "${p.value}" ${p.what}`,
} satisfies MessageTable;
