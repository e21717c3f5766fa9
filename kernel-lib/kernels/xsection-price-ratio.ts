/**
 * A price-ratio signal computed on a dense close matrix and aligned at lag 0 in the same pass
 * (the suite's built-in baselines, kernel-lib/suite/baselines.ts):
 *
 *   r = close[p - numeratorBack] / close[p - denominatorBack];   x[p] = r - 1, or 1 - r when `negate`
 *
 * where p counts the security's own rows (cells with present = 1, in date order), and both
 * closes must be > 0 (else no value, as a null close). A finite value computed on date t is
 * known at t's close and first traded on the next calendar date, so it goes to row t + 1 of
 * `out` (lag-0 trade dates); values on the last date have no next date and are only counted.
 * Dense date-major matrices: cell (t, i) at t * securities + i. `out` must be NaN-filled.
 */
export function priceRatioKernel(
  close: Float64Array,
  present: Uint8Array,
  dates: number,
  securities: number,
  numeratorBack: number,
  denominatorBack: number,
  negate: boolean,
  out: Float64Array,
): { values: number; lastDate: number } {
  const N = securities;
  const depth = Math.max(numeratorBack, denominatorBack) + 1;
  // Per security: its last `depth` closes (a ring; head = slot of the newest) and its row count.
  const ring = new Float64Array(N * depth);
  const seen = new Int32Array(N);
  const head = new Int32Array(N).fill(-1);
  let values = 0;
  let lastDate = 0;
  for (let t = 0; t < dates; t++) {
    const row = t * N;
    for (let i = 0; i < N; i++) {
      if (present[row + i] === 0) continue;
      const p = seen[i]++;
      const base = i * depth;
      let h = head[i] + 1;
      if (h === depth) h = 0;
      head[i] = h;
      ring[base + h] = close[row + i];
      if (p < depth - 1) continue;
      let ka = h - numeratorBack;
      if (ka < 0) ka += depth;
      let kb = h - denominatorBack;
      if (kb < 0) kb += depth;
      const a = ring[base + ka];
      const b = ring[base + kb];
      if (!(a > 0 && b > 0)) continue;
      // 1 - r, not -(r - 1): equal in IEEE arithmetic except for the sign of a zero
      const x = negate ? 1 - a / b : a / b - 1;
      if (!(x - x === 0)) continue;
      values++;
      if (t + 1 < dates) out[row + N + i] = x;
      else lastDate++;
    }
  }
  return { values, lastDate };
}
