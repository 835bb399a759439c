import { createHash } from 'node:crypto';

/**
 * Deterministic experiment assignment: a customer's bucket in [0, 100) is a hash of the
 * experiment's name and their id, so the same customer always lands in the same variant, on
 * every machine and every run, independently of other experiments. Variants are walked in the
 * order given (sorted by name in the compiled block), the remainder is the holdout.
 */
export function assignVariant(
  experiment: string,
  customerId: string,
  variants: ReadonlyArray<{ name: string; weight: number }>,
): string | undefined {
  const bucket = bucketOf(experiment, customerId);
  let upTo = 0;
  for (const v of variants) {
    upTo += v.weight;
    if (bucket < upTo) return v.name;
  }
  return undefined;
}

/** The customer's position in the experiment, uniform in [0, 100). */
export function bucketOf(experiment: string, customerId: string): number {
  const hex = createHash('sha256').update(`herald-split-v1\u0000${experiment}\u0000${customerId}`).digest('hex').slice(0, 12);
  return (parseInt(hex, 16) / 2 ** 48) * 100;
}

/** The holdout's name in records and expectations. */
export const HOLDOUT = 'holdout';
