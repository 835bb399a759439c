/** The output columns of a trait table, from its plan. */
import type { TraitOutput, TraitPlan } from '../contract/compiled-sql.ts';
import type { RuleSchema } from '../contract/core/rule-paths.ts';
import { typeOf } from './types.ts';
import { RFM_OUTPUTS } from './rfm.ts';

export function traitOutputs(plan: TraitPlan, schema: RuleSchema): TraitOutput[] {
  switch (plan.kind) {
    case 'expression':
      return [{ name: 'value', type: plan.type || typeOf(plan.expression, { kind: 'customer' }, schema) }];
    case 'lifecycle':
      return [{ name: 'value', type: 'string' }];
    case 'rfm':
      return RFM_OUTPUTS.map((name) => ({ name, type: name === 'score' ? ('string' as const) : ('number' as const) }));
  }
}
