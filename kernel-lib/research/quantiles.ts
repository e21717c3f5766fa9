import { seriesMoments, spearman } from './summary-stats';

/**
 * Quantile analysis of one signal and horizon (docs/research.md, "Quantiles"): per date, the
 * used names are split into k buckets by the signal's rank (kernels/quantile-bucket.ts) and each
 * bucket's mean forward return is taken; these per-date means are then averaged over dates.
 */
export interface QuantileStats {
  /** Per bucket (1 = lowest signal): mean over dates of the bucket's mean forward return. */
  quantile_mean_returns: number[];
  /** Same after subtracting each date's mean forward return over all used names. */
  quantile_mean_demeaned: number[];
  /** Per bucket: dates on which the bucket had names. */
  quantile_dates: number[];
  /** Mean over dates of (top bucket mean - bottom bucket mean), on dates with both. */
  spread: number;
  spread_std: number;
  /** spread / (spread_std / sqrt(spread_dates)). */
  spread_t_stat: number;
  spread_dates: number;
  /** Spearman correlation between bucket number (1..k) and quantile_mean_returns: +1 = perfectly increasing. */
  monotonicity: number;
}

/**
 * From per-(date, group, bucket) means (index (t * groups + g) * k + b) and per-(date, group)
 * mean forward returns.
 */
export function quantileStats(
  bucketMean: Float64Array,
  dateMean: Float64Array,
  k: number,
  groups = 1,
  g = 0,
  dateMask?: Uint8Array | null,
): QuantileStats {
  const T = dateMean.length / groups;
  const means: number[] = [];
  const demeaned: number[] = [];
  const dates: number[] = [];
  for (let b = 0; b < k; b++) {
    let n = 0;
    let sum = 0;
    let sumDemeaned = 0;
    for (let t = 0; t < T; t++) {
      if (dateMask && !dateMask[t]) continue;
      const v = bucketMean[(t * groups + g) * k + b];
      if (v - v !== 0) continue;
      n++;
      sum += v;
      sumDemeaned += v - dateMean[t * groups + g];
    }
    means.push(n > 0 ? sum / n : NaN);
    demeaned.push(n > 0 ? sumDemeaned / n : NaN);
    dates.push(n);
  }
  const spreadSeries = spreadByDate(bucketMean, k, groups, g);
  const s = seriesMoments(spreadSeries, dateMask);
  const buckets = Array.from({ length: k }, (_, b) => b + 1);
  return {
    quantile_mean_returns: means,
    quantile_mean_demeaned: demeaned,
    quantile_dates: dates,
    spread: s.mean,
    spread_std: s.std,
    spread_t_stat: s.t_stat,
    spread_dates: s.n,
    monotonicity: k >= 2 ? spearman(buckets, means) : NaN,
  };
}

/** Top-minus-bottom bucket mean per date (NaN where either bucket is empty). */
export function spreadByDate(bucketMean: Float64Array, k: number, groups = 1, g = 0): Float64Array {
  const T = bucketMean.length / (groups * k);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const base = (t * groups + g) * k;
    out[t] = bucketMean[base + k - 1] - bucketMean[base];
  }
  return out;
}

/**
 * Growth of 1 invested in each bucket, rebalanced every bar, equal weight, no costs:
 * cum_b[t] = prod over dates s <= t of (1 + mean 1-bar forward return of bucket b formed at s).
 * A date where the bucket is empty adds nothing (factor 1). Value at t includes the return
 * earned from t's close to the next bar's close. Index: [bucket][t].
 */
export function cumulativeBucketReturns(bucketMean1: Float64Array, k: number, groups = 1, g = 0): Float64Array[] {
  const T = bucketMean1.length / (groups * k);
  return Array.from({ length: k }, (_, b) => {
    const out = new Float64Array(T);
    let level = 1;
    for (let t = 0; t < T; t++) {
      const r = bucketMean1[(t * groups + g) * k + b];
      if (r - r === 0) level *= 1 + r;
      out[t] = level;
    }
    return out;
  });
}
