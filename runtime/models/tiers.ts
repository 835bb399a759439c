/**
 * Tier assignment by score percentile, top first: with {high: 0.2, medium: 0.3, low: 0.5} the
 * highest-scoring 20% are `high`. Ranks break ties by position so every tier gets its share even
 * when many scores are equal; a missing (NaN) score gets no tier.
 */
export function assignTiers(scores: ArrayLike<number>, tiers: ReadonlyArray<{ name: string; fraction: number }>): Array<string | null> {
  const n = scores.length;
  const valid = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(scores[i]!));
  valid.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const out = new Array<string | null>(n).fill(null);
  let cumulative = 0;
  let from = 0;
  tiers.forEach((tier, t) => {
    cumulative += tier.fraction;
    const to = t === tiers.length - 1 ? valid.length : Math.round(cumulative * valid.length);
    for (let r = from; r < to; r++) out[valid[r]!] = tier.name;
    from = Math.max(from, to);
  });
  return out;
}
