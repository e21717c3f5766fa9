import { createRankScratch, rankValues } from './xsection-rank';

/**
 * The size/liquidity proxy and cap buckets (docs/xsection.md, "Cap buckets"). The sample has
 * no market capitalisation, so size is proxied by liquidity: the median dollar volume
 * (close x volume) over the previous `window` calendar rows of the security, excluding the
 * current row, so a trade on date t only uses bars up to t-1 (no lookahead even when trading
 * at t's open). Rows without a bar are left out of the median; fewer than `minPeriods`
 * values gives NaN.
 *
 * Dense date-major matrices: cell (t, i) at t * securities + i.
 */
export function trailingMedianKernel(
  values: Float64Array,
  dates: number,
  securities: number,
  window: number,
  minPeriods: number,
  out: Float64Array,
  /** Securities [from, to) only (each is independent of the others): for splitting across threads. */
  from = 0,
  to = securities,
): void {
  const N = securities;
  // Per security: its last `window` raw values (ring) and the finite ones among them, sorted.
  // Dates outer, securities inner: the matrix is read row by row (sequential memory).
  const ring = new Float64Array((to - from) * window).fill(NaN);
  const sorted = new Float64Array((to - from) * window);
  const count = new Int32Array(N);
  for (let t = 0; t < dates; t++) {
    const row = t * N;
    const slot = t % window;
    for (let i = from; i < to; i++) {
      const base = (i - from) * window;
      let m = count[i];
      if (m >= minPeriods && m > 0) {
        const h = m >> 1;
        out[row + i] = m % 2 === 1 ? sorted[base + h] : (sorted[base + h - 1] + sorted[base + h]) / 2;
      } else out[row + i] = NaN;
      const old = ring[base + slot];
      const x = values[row + i];
      ring[base + slot] = x;
      const hasOld = old === old;
      const hasNew = x === x;
      if (hasOld) {
        let lo = 0;
        let hi = m;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (sorted[base + mid] < old) lo = mid + 1;
          else hi = mid;
        }
        let k = base + lo;
        if (hasNew) {
          // replace `old` by `x` in place and move it to its sorted position: on average a
          // third of the window instead of two shifts of half of it
          const end = base + m - 1;
          while (k < end && sorted[k + 1] < x) {
            sorted[k] = sorted[k + 1];
            k++;
          }
          while (k > base && sorted[k - 1] > x) {
            sorted[k] = sorted[k - 1];
            k--;
          }
          sorted[k] = x;
        } else {
          for (; k < base + m - 1; k++) sorted[k] = sorted[k + 1];
          m--;
        }
      } else if (hasNew) {
        let lo = 0;
        let hi = m;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (sorted[base + mid] < x) lo = mid + 1;
          else hi = mid;
        }
        for (let k = base + m; k > base + lo; k--) sorted[k] = sorted[k - 1];
        sorted[base + lo] = x;
        m++;
      }
      count[i] = m;
    }
  }
}

/**
 * Cap bucket per cell from the size proxy: per date, among the securities with a finite
 * proxy, average rank r of n, bucket = floor(3 (r - 1) / n): 0 small, 1 mid, 2 large
 * (terciles; ties share a bucket). -1 when the proxy is missing or fewer than 3 securities
 * have one that date.
 */
export function capTercileKernel(
  size: Float64Array,
  dates: number,
  securities: number,
  out: Int8Array,
  /** Dates [from, to) only (each is independent of the others): for splitting across threads. */
  from = 0,
  to = dates,
): void {
  const idx = new Int32Array(securities);
  const rs = createRankScratch(securities);
  const val = rs.values;
  const ranks = rs.average;
  out.fill(-1, from * securities, to * securities);
  for (let t = from; t < to; t++) {
    const row = t * securities;
    let n = 0;
    for (let i = 0; i < securities; i++) {
      const x = size[row + i];
      if (x === x) {
        idx[n] = i;
        val[n] = x;
        n++;
      }
    }
    if (n < 3) continue;
    rankValues(rs, n);
    for (let j = 0; j < n; j++) {
      let b = Math.floor((3 * (ranks[j] - 1)) / n);
      if (b > 2) b = 2;
      out[row + idx[j]] = b;
    }
  }
}
