/**
 * Bucket turnover at a lag (docs/research.md): per date t and bucket b, the share of the names
 * in b at t that were not in b at t - lag (alphalens quantile_turnover), defined when b has
 * names on both dates; then the mean over dates per bucket.
 */
export interface TurnoverStats {
  lag: number;
  /** Mean turnover per bucket (1 = lowest signal). */
  by_bucket: number[];
  /** Dates with a value, per bucket. */
  dates: number[];
  /** Mean of the top and bottom buckets' turnover (the names a long-short book would trade). */
  top_bottom: number;
}

export function turnoverStats(turnover: Float64Array, lag: number, k: number, groups = 1, g = 0, dateMask?: Uint8Array | null): TurnoverStats {
  const T = turnover.length / (groups * k);
  const byBucket: number[] = [];
  const dates: number[] = [];
  for (let b = 0; b < k; b++) {
    let n = 0;
    let sum = 0;
    for (let t = 0; t < T; t++) {
      if (dateMask && !dateMask[t]) continue;
      const v = turnover[(t * groups + g) * k + b];
      if (v - v !== 0) continue;
      n++;
      sum += v;
    }
    byBucket.push(n > 0 ? sum / n : NaN);
    dates.push(n);
  }
  return { lag, by_bucket: byBucket, dates, top_bottom: k > 0 ? (byBucket[0] + byBucket[k - 1]) / 2 : NaN };
}
