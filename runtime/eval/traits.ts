/**
 * Trait values in the evaluator (previews, explain, tests), with the SQL backend's meaning
 * (compiler/sql/query.ts and rfm.ts).
 */
import type { TraitPlan } from '../../compiler/contract/compiled-sql.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord } from './context.ts';
import { compileRule } from './rule.ts';
import { compareStrings, toNumber, type Value } from './values.ts';
import { MS_PER_DAY } from '../../compiler/contract/core/rule-paths.ts';

export type TraitRow = Record<string, Value>;

/** A per-customer trait (expression or lifecycle): its row for one customer. */
export function compileCustomerTrait(plan: Exclude<TraitPlan, { kind: 'rfm' }>, schema: RuleSchema): (ctx: EvalContext) => TraitRow {
  if (plan.kind === 'expression') {
    const rule = compileRule(plan.expression, schema);
    return (ctx) => ({ value: rule.value(ctx) });
  }
  const stages = plan.stages.map((s) => ({ name: s.name, rule: compileRule(s.when, schema) }));
  const otherwise = plan.else ?? null;
  return (ctx) => {
    for (const stage of stages) if (stage.rule.test(ctx)) return { value: stage.name };
    return { value: otherwise };
  };
}

/**
 * The rfm trait over a population (quintiles are relative, so it needs everyone's events):
 * returns rows only for customers with at least one event of the type in the window. Same
 * definition as compiler/sql/rfm.ts (rank-based quintiles or fixed cut points).
 */
export function computeRfm(
  plan: Extract<TraitPlan, { kind: 'rfm' }>,
  customers: ReadonlyArray<{ id: string; events: readonly EventRecord[] }>,
  asOf: number,
): Map<string, TraitRow> {
  const low = asOf - plan.windowMs;
  const base: Array<{ id: string; last: number; count: number; amount: number }> = [];
  for (const customer of customers) {
    let last = -Infinity;
    let count = 0;
    let amount = 0;
    for (const e of customer.events) {
      if (e.type !== plan.event || e.at > asOf || e.at < low) continue;
      count++;
      if (e.at > last) last = e.at;
      amount += toNumber(e[plan.amount]) ?? 0;
    }
    if (count > 0) base.push({ id: customer.id, last, count, amount });
  }
  const n = base.length;
  const quintiles = (key: 'last' | 'count' | 'amount'): Map<string, number> => {
    const sorted = [...base].sort((a, b) => a[key] - b[key]);
    const out = new Map<string, number>();
    let rank = 1;
    sorted.forEach((row, i) => {
      // RANK(): 1 + the number of rows with a strictly lower value.
      if (i > 0 && row[key] !== sorted[i - 1]![key]) rank = i + 1;
      out.set(row.id, 1 + Math.floor((5 * (rank - 1)) / n));
    });
    return out;
  };
  const binned = (points: number[], scores: number[], valueOf: (row: (typeof base)[number]) => number) => {
    const out = new Map<string, number>();
    for (const row of base) {
      const v = valueOf(row);
      const i = points.findIndex((p) => v <= p);
      out.set(row.id, scores[i === -1 ? points.length : i]!);
    }
    return out;
  };
  const cuts = plan.cutPoints ?? {};
  const r = cuts.recency ? binned(cuts.recency, [5, 4, 3, 2, 1], (row) => (asOf - row.last) / MS_PER_DAY) : quintiles('last');
  const f = cuts.frequency ? binned(cuts.frequency, [1, 2, 3, 4, 5], (row) => row.count) : quintiles('count');
  const m = cuts.monetary ? binned(cuts.monetary, [1, 2, 3, 4, 5], (row) => row.amount) : quintiles('amount');
  const rows = new Map<string, TraitRow>();
  for (const id of base.map((b) => b.id).sort(compareStrings)) {
    const recency = r.get(id)!;
    const frequency = f.get(id)!;
    const monetary = m.get(id)!;
    rows.set(id, { recency, frequency, monetary, score: `${recency}${frequency}${monetary}`, total: recency + frequency + monetary });
  }
  return rows;
}
