/**
 * Forward returns by position within each security's own rows (not calendar dates), written
 * straight into the dense date-major layout (cell (t, i) at t * N + i):
 *   fwd[t, i] = close[row r + h] / close[row r] - 1, where r is the row of security i at date t
 * NaN past the security's last row, where it has no row, or when either close is missing or not
 * positive. The return of a position entered at row r's close and held h bars.
 *
 * The h-th next row is usually h dates later (no gap in between: its position is exactly h
 * more); otherwise it is looked up in the security's own rows. Reading the dense matrices
 * date by date keeps memory access sequential (a security-major scatter would be a transpose).
 */
export function forwardReturnsDense(
  close: Float64Array,
  position: Int32Array,
  offsets: Int32Array,
  dateOfRow: Int32Array,
  dates: number,
  securities: number,
  horizon: number,
): Float64Array {
  const N = securities;
  // on a SharedArrayBuffer: worker threads read it without a copy
  const out = new Float64Array(new SharedArrayBuffer(8 * dates * N)).fill(NaN);
  for (let t = 0; t < dates; t++) {
    const row = t * N;
    const ahead = (t + horizon) * N;
    for (let i = 0; i < N; i++) {
      const pos = position[row + i];
      if (pos < 0) continue;
      let target = -1;
      if (t + horizon < dates && position[ahead + i] === pos + horizon) target = ahead + i;
      else {
        const r = offsets[i] + pos + horizon;
        if (r < offsets[i + 1]) target = dateOfRow[r] * N + i;
      }
      if (target < 0) continue;
      const a = close[row + i];
      const b = close[target];
      if (a > 0 && b > 0) out[row + i] = b / a - 1;
    }
  }
  return out;
}
