import type { Definition } from '../../1-load/definition.ts';
import type { TraitOutput } from './facts.ts';
import { BOOLEAN, NUMBER, STRING, TIMESTAMP, UNKNOWN, type RuleType } from './types.ts';

export const RFM_OUTPUTS: readonly TraitOutput[] = [
  { output: 'recency', type: NUMBER },
  { output: 'frequency', type: NUMBER },
  { output: 'monetary', type: NUMBER },
  { output: 'score', type: STRING },
  { output: 'total', type: NUMBER },
];

const DECLARED: Record<string, RuleType> = { number: NUMBER, string: STRING, boolean: BOOLEAN, timestamp: TIMESTAMP };

/**
 * What a Trait definition makes available to rules, read from its spec alone (declared types), so
 * rules can use any trait whatever order traits are analyzed in, and traits can use each other.
 */
export function traitOutputs(def: Definition): TraitOutput[] {
  const spec = def.spec as { type?: unknown; expression?: unknown; rfm?: unknown; lifecycle?: unknown };
  if (spec.rfm !== undefined) return [...RFM_OUTPUTS];
  if (spec.lifecycle !== undefined) return [{ output: '', type: STRING }];
  if (spec.expression !== undefined) return [{ output: '', type: DECLARED[String(spec.type)] ?? UNKNOWN }];
  return [];
}
