/**
 * The two-proportion z-test `herald report` uses to compare an experiment's groups: did variant A
 * convert at a different rate from the holdout (or from variant B)? With x₁ of n₁ and x₂ of n₂,
 * p̂ = (x₁ + x₂)/(n₁ + n₂), z = (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), and the two-sided
 * p-value is 2(1 − Φ(|z|)). The confidence interval of the difference uses the unpooled
 * standard error √(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂). The normal approximation needs at least 5
 * successes and 5 failures in each group; below that the test is not reported.
 */
export interface ProportionTest {
  rateA: number;
  rateB: number;
  /** rateA − rateB. */
  difference: number;
  /** 95% confidence interval of the difference. */
  ci95: [number, number];
  z: number;
  /** Two-sided. */
  p: number;
}

export type ProportionOutcome = ({ ok: true } & ProportionTest) | { ok: false; reason: string; rateA: number; rateB: number };

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export function twoProportionTest(xA: number, nA: number, xB: number, nB: number): ProportionOutcome {
  const rateA = nA > 0 ? xA / nA : 0;
  const rateB = nB > 0 ? xB / nB : 0;
  const small = [xA, nA - xA, xB, nB - xB].some((v) => v < 5);
  if (nA === 0 || nB === 0 || small) return { ok: false, reason: 'fewer than 5 successes or failures in a group', rateA, rateB };
  const pooled = (xA + xB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const z = (rateA - rateB) / se;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  const seDiff = Math.sqrt((rateA * (1 - rateA)) / nA + (rateB * (1 - rateB)) / nB);
  const difference = rateA - rateB;
  return {
    ok: true,
    rateA,
    rateB,
    difference,
    ci95: [difference - Z95 * seDiff, difference + Z95 * seDiff],
    z,
    p: Math.min(1, Math.max(0, p)),
  };
}

/**
 * The standard normal distribution function, via the complementary error function in the
 * rational Chebyshev form of Numerical Recipes' `erfcc` (relative error below 1.2e-7 everywhere),
 * ample for p-values printed to four significant digits.
 */
export function normalCdf(x: number): number {
  return 1 - 0.5 * erfc(x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
