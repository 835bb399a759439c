/**
 * "Did you mean" suggestions: the closest candidate by Damerau-Levenshtein distance, only when it
 * is close enough to be a plausible typo (at most a third of the word's length, at least 1 and at
 * most MAX_TYPO_EDITS).
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.max(1, Math.min(MAX_TYPO_EDITS, Math.floor(needle.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    // Only distances up to the limit (and up to the best so far, which ties may still match) matter.
    const d = editDistance(needle, candidate.toLowerCase(), Math.min(limit, bestDistance));
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/**
 * More edits than this is no typo. The cap also keeps a suggestion cheap for any input: the
 * distance is computed in a band of this width, so a value of many kilobytes (a pasted document
 * where a time zone belongs) costs a scan of its length per candidate, not its length times the
 * candidate's.
 */
const MAX_TYPO_EDITS = 8;

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
 * With `max`, only distances up to it are exact: a larger one is answered as `max + 1`, and the
 * work is the length of `a` times 2 * max + 1 (cells farther off the diagonal cost more than max).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const over = Math.min(max + 1, a.length + b.length);
  const band = Math.min(max, Math.max(a.length, b.length));
  let prev2 = new Array<number>(b.length + 1).fill(over);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => (j <= band ? j : over));
  let cur = new Array<number>(b.length + 1).fill(over);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(b.length, i + band);
    cur[0] = i <= band ? i : over;
    if (from > 1) cur[from - 1] = over;
    let rowMin = cur[0];
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = Math.min(v, over);
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (to < b.length) cur[to + 1] = over;
    // Every path to the end passes through this row: when all of it is past max, so is the answer.
    if (rowMin >= over) return over;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}
