import { rankPearson } from './ic-rank-pearson';
import { createRankScratch, rankValues } from './xsection-rank';

/**
 * Correlations used to tell whether a signal is a clone of a baseline
 * (docs/suite.md, "Uniqueness").
 */

export interface MeanSpearman {
  /** Mean over dates of the per-date cross-sectional Spearman correlation. */
  mean: number;
  /** Dates with at least `minCount` securities where both signals are finite and neither is constant. */
  dates: number;
}

/**
 * Per date t (rows of two dense date-major matrices), the Spearman correlation (Pearson
 * correlation of average ranks, from exact rank sums as research's IC) over the securities where both are finite; dates with fewer
 * than `minCount` such securities, or where either side is constant, are left out. Returns
 * the mean over the dates used.
 */
export function meanCrossSectionalSpearman(
  a: Float64Array,
  b: Float64Array,
  dates: number,
  securities: number,
  minCount: number,
): MeanSpearman {
  const sa = createRankScratch(securities);
  const sb = createRankScratch(securities);
  const va = sa.values;
  const vb = sb.values;
  let sum = 0;
  let used = 0;
  for (let t = 0; t < dates; t++) {
    const row = t * securities;
    let n = 0;
    for (let i = 0; i < securities; i++) {
      const x = a[row + i];
      const y = b[row + i];
      if (x === x && y === y) {
        va[n] = x;
        vb[n] = y;
        n++;
      }
    }
    if (n < Math.max(3, minCount)) continue;
    rankValues(sa, n);
    rankValues(sb, n);
    const ra = sa.average;
    const rb = sb.average;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let j = 0; j < n; j++) {
      sxy += ra[j] * rb[j];
      sxx += ra[j] * ra[j];
      syy += rb[j] * rb[j];
    }
    const rho = rankPearson(n, sxy, sxx, syy);
    if (rho === rho) {
      sum += rho;
      used++;
    }
  }
  return { mean: used > 0 ? sum / used : NaN, dates: used };
}

/** Pearson correlation of x[0..n) and y[0..n); NaN when either is constant or n < 2. */
export function pearson(x: Float64Array, y: Float64Array, n: number): number {
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let j = 0; j < n; j++) {
    mx += x[j];
    my += y[j];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let j = 0; j < n; j++) {
    const dx = x[j] - mx;
    const dy = y[j] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Pearson correlation of two daily series over the positions where `maskA` and `maskB` are
 * both set (e.g. both portfolios traded that date); returns the correlation and the count.
 */
export function maskedPearson(
  x: Float64Array,
  y: Float64Array,
  maskA: Int8Array,
  maskB: Int8Array,
  scratchX: Float64Array,
  scratchY: Float64Array,
): { correlation: number; days: number } {
  let n = 0;
  for (let t = 0; t < x.length; t++) {
    if (maskA[t] && maskB[t] && x[t] === x[t] && y[t] === y[t]) {
      scratchX[n] = x[t];
      scratchY[n] = y[t];
      n++;
    }
  }
  return { correlation: pearson(scratchX, scratchY, n), days: n };
}
