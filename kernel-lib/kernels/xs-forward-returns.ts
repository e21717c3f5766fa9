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

/** The panel arrays forward returns are computed from (research/panel.ts). */
export interface ForwardPrices {
  /** Dense closes (cell (t, i) at t * N + i), NaN where the security has no row. */
  close: Float64Array;
  /** Position of the cell's row within its security's rows, -1 where there is no row. */
  position: Int32Array;
  /** Rows of security i at offsets[i]..offsets[i+1]. */
  offsets: Int32Array;
  /** Calendar index of every row. */
  dateOfRow: Int32Array;
  dates: number;
  securities: number;
  /**
   * Optional shortcut (forwardReturnsContiguity): per security, the calendar index of its last
   * row when its rows sit on consecutive calendar dates (then the h-th next row of date t is
   * date t + h, if t + h <= last), -1 when it has gaps or no rows (then positions decide).
   */
  lastDate?: Int32Array | null;
}

/** ForwardPrices.lastDate: each security's last calendar index when its rows have no gap in the calendar, else -1. */
export function forwardReturnsContiguity(offsets: Int32Array, dateOfRow: Int32Array, securities: number): Int32Array {
  const last = new Int32Array(securities).fill(-1);
  for (let i = 0; i < securities; i++) {
    const first = offsets[i];
    const end = offsets[i + 1];
    if (end > first && dateOfRow[end - 1] - dateOfRow[first] === end - first - 1) last[i] = dateOfRow[end - 1];
  }
  return last;
}

/**
 * One date's row of forwardReturnsDense: out[i] = fwd_h[t, i] for every security i (same
 * definition and arithmetic, so the same doubles), without the T x N matrix - the research
 * pass computes each date's forward returns when it gets there. With p.lastDate, securities
 * without calendar gaps skip the position lookups (a missing row has a NaN close: NaN result).
 */
export function forwardReturnsAt(p: ForwardPrices, t: number, horizon: number, out: Float64Array): void {
  const N = p.securities;
  const { close, position, offsets, dateOfRow } = p;
  const last = p.lastDate ?? null;
  const row = t * N;
  const inCalendar = t + horizon < p.dates;
  const ahead = (t + horizon) * N;
  for (let i = 0; i < N; i++) {
    const end = last === null ? -1 : last[i];
    if (end >= 0) {
      if (t + horizon > end) {
        out[i] = NaN;
        continue;
      }
      const a = close[row + i];
      const b = close[ahead + i];
      out[i] = a > 0 && b > 0 ? b / a - 1 : NaN;
      continue;
    }
    const pos = position[row + i];
    let target = -1;
    if (pos >= 0) {
      if (inCalendar && position[ahead + i] === pos + horizon) target = ahead + i;
      else {
        const r = offsets[i] + pos + horizon;
        if (r < offsets[i + 1]) target = dateOfRow[r] * N + i;
      }
    }
    if (target < 0) {
      out[i] = NaN;
      continue;
    }
    const a = close[row + i];
    const b = close[target];
    out[i] = a > 0 && b > 0 ? b / a - 1 : NaN;
  }
}
