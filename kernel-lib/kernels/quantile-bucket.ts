/**
 * The quantile bucket (1..k) of a name from its min rank among the n names of a cross-section
 * (n >= k): bucket = max(1, ceil((minRank - 1) * k / (n - 1))).
 *
 * This is what alphalens does (quantize_factor: pd.qcut(factor, k, labels=False) + 1 per date):
 * pd.qcut cuts at the k+1 sample quantiles (linear interpolation, position p = j(n-1)/k of the
 * sorted values) and puts x in bucket j when edge[j-1] < x <= edge[j] (the lowest value in
 * bucket 1). For the value at 0-based sorted position i that is the smallest j with
 * j(n-1)/k >= i, i.e. ceil(i k / (n-1)); tied values sit at their lowest position (min rank -
 * 1), so ties always share a bucket. Where pandas raises 'Bin edges must be unique' (ties
 * spanning an edge), this formula still gives every tie group one bucket, leaving some buckets
 * empty on that date. Integer arithmetic: exact.
 */
export function quantileBucket(minRank: number, n: number, k: number): number {
  if (n <= 1) return 1;
  const b = Math.ceil(((minRank - 1) * k) / (n - 1));
  return b < 1 ? 1 : b;
}
