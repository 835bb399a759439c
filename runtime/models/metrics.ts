/**
 * Evaluation metrics. Inputs are plain arrays so each is checked against hand-computed values.
 * Labels for classification metrics are 0/1.
 */
type Nums = ArrayLike<number>;

/** ROC AUC by ranks (Mann-Whitney U); tied scores share their average rank. NaN when a class is absent. */
export function auc(labels: Nums, scores: Nums): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

const EPS = 1e-15;

export function logLoss(labels: Nums, probs: Nums): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, probs[i]!));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

export function brier(labels: Nums, probs: Nums): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (probs[i]! - labels[i]!) ** 2;
  return sum / labels.length;
}

export interface CalibrationBin {
  /** Bin bounds over predicted probability. */
  low: number;
  high: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Reliability diagram data: `bins` equal-width bins over [0, 1]; empty bins are kept with count 0. */
export function calibration(labels: Nums, probs: Nums, bins = 10): CalibrationBin[] {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1, Math.max(0, probs[i]!));
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += labels[i]!;
  }
  return count.map((c, b) => ({
    low: b / bins,
    high: (b + 1) / bins,
    count: c,
    meanPredicted: c > 0 ? sumP[b]! / c : NaN,
    observedRate: c > 0 ? sumY[b]! / c : NaN,
  }));
}

/** ROC curve points (false positive rate, true positive rate), from (0,0) to (1,1), one per distinct score. */
export function rocCurve(labels: Nums, scores: Nums): Array<{ fpr: number; tpr: number }> {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let p = 0;
  for (let i = 0; i < n; i++) p += labels[i] === 1 ? 1 : 0;
  const negatives = n - p;
  const points = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    if (labels[order[i]!] === 1) tp++;
    else fp++;
    const last = i === n - 1 || scores[order[i + 1]!] !== scores[order[i]!];
    if (last) points.push({ fpr: negatives ? fp / negatives : 0, tpr: p ? tp / p : 0 });
  }
  return points;
}

export interface LiftDecile {
  decile: number;
  count: number;
  rate: number;
  /** The decile's positive rate over the overall rate. */
  lift: number;
}

/** Lift by decile of score, highest scores in decile 1. */
export function liftByDecile(labels: Nums, scores: Nums, groups = 10): LiftDecile[] {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i]!;
  const overall = n ? total / n : 0;
  const out: LiftDecile[] = [];
  for (let g = 0; g < groups; g++) {
    const from = Math.floor((g * n) / groups);
    const to = Math.floor(((g + 1) * n) / groups);
    let pos = 0;
    for (let i = from; i < to; i++) pos += labels[order[i]!]!;
    const count = to - from;
    const rate = count ? pos / count : 0;
    out.push({ decile: g + 1, count, rate, lift: overall > 0 ? rate / overall : 0 });
  }
  return out;
}

export function rmse(actual: Nums, predicted: Nums): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i]! - predicted[i]!) ** 2;
  return Math.sqrt(sum / actual.length);
}

export function mae(actual: Nums, predicted: Nums): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - predicted[i]!);
  return sum / actual.length;
}

export function r2(actual: Nums, predicted: Nums): number {
  const mean = meanOf(actual);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < actual.length; i++) {
    ssRes += (actual[i]! - predicted[i]!) ** 2;
    ssTot += (actual[i]! - mean) ** 2;
  }
  return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
}

/**
 * The share of the total actual value held by the top `fraction` of rows by predicted value (ties
 * by position): how much of next quarter's spend the top tier really holds. NaN when the total is 0.
 */
export function topShare(actual: Nums, predicted: Nums, fraction = 0.2): number {
  const n = actual.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[b]! - predicted[a]! || a - b);
  const top = Math.round(n * fraction);
  let total = 0;
  let held = 0;
  for (let r = 0; r < n; r++) {
    const v = actual[order[r]!]!;
    total += v;
    if (r < top) held += v;
  }
  return total !== 0 ? held / total : NaN;
}

export function meanOf(values: Nums): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length ? sum / values.length : NaN;
}

/** Ranking metrics of one list against the set of relevant items. */
export function precisionAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  for (const item of recommended.slice(0, k)) if (relevant.has(item)) hits++;
  return hits / k;
}

export function recallAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return NaN;
  let hits = 0;
  for (const item of recommended.slice(0, k)) if (relevant.has(item)) hits++;
  return hits / relevant.size;
}

/** Binary-relevance nDCG@k: DCG over the ideal DCG of min(k, |relevant|) hits. */
export function ndcgAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return NaN;
  let dcg = 0;
  recommended.slice(0, k).forEach((item, i) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Averages of the ranking metrics over customers who have at least one relevant item. */
export function rankingMetrics(
  lists: ReadonlyMap<string, readonly string[]>,
  truth: ReadonlyMap<string, ReadonlySet<string>>,
  k: number,
): { precision_at_k: number; recall_at_k: number; ndcg_at_k: number; customers: number } {
  let p = 0;
  let r = 0;
  let g = 0;
  let n = 0;
  for (const [customer, relevant] of truth) {
    if (relevant.size === 0) continue;
    const recs = lists.get(customer) ?? [];
    p += precisionAtK(recs, relevant, k);
    r += recallAtK(recs, relevant, k);
    g += ndcgAtK(recs, relevant, k);
    n++;
  }
  return n
    ? { precision_at_k: p / n, recall_at_k: r / n, ndcg_at_k: g / n, customers: n }
    : { precision_at_k: NaN, recall_at_k: NaN, ndcg_at_k: NaN, customers: 0 };
}

/**
 * Population stability index of `actual` against `expected`, over the expected distribution's
 * quantile bins (`edges`, from `quantileEdges`). < 0.1 stable, 0.1–0.25 some shift, > 0.25 drift.
 */
export function psi(expected: Nums, actual: Nums, edges: readonly number[]): number {
  return psiFromShares(binShares(expected, edges), binShares(actual, edges));
}

/** PSI from per-bin shares (a stored model keeps its training shares, not its training scores). */
export function psiFromShares(expected: readonly number[], actual: readonly number[]): number {
  let sum = 0;
  for (let b = 0; b < expected.length; b++) {
    // Empty bins are floored so one empty bin does not make the index infinite.
    const pe = Math.max(expected[b]!, 1e-4);
    const pa = Math.max(actual[b] ?? 0, 1e-4);
    sum += (pa - pe) * Math.log(pa / pe);
  }
  return sum;
}

/** Inner bin edges at the 1/bins … (bins-1)/bins quantiles. */
export function quantileEdges(values: Nums, bins = 10): number[] {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) edges.push(sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))] ?? 0);
  return edges;
}

export function binShares(values: Nums, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let b = 0;
    while (b < edges.length && v > edges[b]!) b++;
    counts[b]!++;
  }
  return counts.map((c) => (values.length ? c / values.length : 0));
}
