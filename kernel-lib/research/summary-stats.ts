/**
 * Mean, sample standard deviation (ddof 1) and t-statistic of the finite values of a per-date
 * series, optionally restricted to the dates where `dateMask[t]` is 1. Statistics are per date
 * first, then these moments over dates.
 */
export interface SeriesMoments {
  /** Dates with a finite value. */
  n: number;
  mean: number;
  /** Sample standard deviation (ddof 1); NaN when n < 2. */
  std: number;
  /** mean / (std / sqrt(n)): the one-sample t-statistic against 0; NaN when std is 0 or NaN. */
  t_stat: number;
  /** Share of those dates with a value > 0. */
  share_positive: number;
}

export function seriesMoments(values: ArrayLike<number>, dateMask?: Uint8Array | null, stride = 1, offset = 0): SeriesMoments {
  let n = 0;
  let sum = 0;
  let positive = 0;
  const T = Math.floor((values.length - offset + stride - 1) / stride);
  for (let t = 0; t < T; t++) {
    if (dateMask && !dateMask[t]) continue;
    const v = values[t * stride + offset];
    if (v - v !== 0) continue;
    n++;
    sum += v;
    if (v > 0) positive++;
  }
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let t = 0; t < T; t++) {
    if (dateMask && !dateMask[t]) continue;
    const v = values[t * stride + offset];
    if (v - v !== 0) continue;
    ss += (v - mean) * (v - mean);
  }
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const t_stat = std > 0 ? mean / (std / Math.sqrt(n)) : NaN;
  return { n, mean, std, t_stat, share_positive: n > 0 ? positive / n : NaN };
}

/** Average ranks (ties share the mean rank) of a short list, for monotonicity scores. */
export function averageRanks(values: number[]): number[] {
  return values.map((v) => {
    let below = 0;
    let equal = 0;
    for (const w of values) {
      if (w < v) below++;
      else if (w === v) equal++;
    }
    return below + (equal + 1) / 2;
  });
}

/** Spearman correlation of two short lists (Pearson of average ranks); NaN if any value is not finite or a side is constant. */
export function spearman(x: number[], y: number[]): number {
  if (x.length !== y.length || x.length < 2 || [...x, ...y].some((v) => !Number.isFinite(v))) return NaN;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let j = 0; j < n; j++) {
    sxy += (rx[j] - mx) * (ry[j] - my);
    sxx += (rx[j] - mx) ** 2;
    syy += (ry[j] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
