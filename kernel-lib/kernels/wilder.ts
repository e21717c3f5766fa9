/**
 * Wilder-smoothed indicators over one security's arrays: the typed-array twins of `rsi` and
 * `atr` (same conventions; see docs/indicators.md), used by the stateful kernels (SuperTrend,
 * ATR trailing stop) and by sweeps that stay out of polars.
 *
 * Wilder smoothing: the first value, at the n-th non-NaN input, is the mean of the first n
 * non-NaN inputs (RSI: changes from row 1, so the first RSI is at row n; ATR: true ranges from
 * row 0, first ATR at row n - 1); then S[t] = (S[t-1] * (n - 1) + x[t]) / n. Rows before the
 * seed are NaN; a NaN input later gives NaN for that row and leaves the state unchanged.
 */

/** True range: max(high - low, |high - prevClose|, |low - prevClose|); high - low on the first row. */
export function trueRangeArray(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array = new Float64Array(close.length)): Float64Array {
  if (close.length > 0) out[0] = high[0] - low[0];
  for (let t = 1; t < close.length; t++) {
    const prev = close[t - 1];
    const range = high[t] - low[t];
    const up = Math.abs(high[t] - prev);
    const down = Math.abs(low[t] - prev);
    // A NaN previous close leaves the range (as polars' max_horizontal skips nulls).
    const gap = up >= down ? up : down === down ? down : up;
    out[t] = range !== range ? NaN : gap > range ? gap : range;
  }
  return out;
}

/** Wilder's ATR; `out` may alias nothing else. */
export function wilderAtrArray(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  trueRangeArray(high, low, close, out);
  return wilderSmoothInPlace(out, period);
}

/** Wilder's RSI in [0, 100]; 50 when nothing moved (gain and loss averages both 0). */
export function wilderRsiArray(close: Float64Array, period: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  let gain = 0;
  let loss = 0;
  let count = 0;
  if (close.length > 0) out[0] = NaN;
  for (let t = 1; t < close.length; t++) {
    const d = close[t] - close[t - 1];
    if (d !== d) {
      out[t] = NaN;
      continue;
    }
    const g = d > 0 ? d : 0;
    const l = d < 0 ? -d : 0;
    count++;
    if (count < period) {
      gain += g;
      loss += l;
      out[t] = NaN;
      continue;
    }
    if (count === period) {
      gain = (gain + g) / period;
      loss = (loss + l) / period;
    } else {
      gain = (gain * (period - 1) + g) / period;
      loss = (loss * (period - 1) + l) / period;
    }
    const total = gain + loss;
    out[t] = total === 0 ? 50 : (100 * gain) / total;
  }
  return out;
}

/** Replaces the true range series by its Wilder smoothing. */
function wilderSmoothInPlace(x: Float64Array, period: number): Float64Array {
  let s = 0;
  let count = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (v !== v) {
      x[t] = NaN;
      continue;
    }
    count++;
    if (count < period) {
      s += v;
      x[t] = NaN;
    } else {
      s = count === period ? (s + v) / period : (s * (period - 1) + v) / period;
      x[t] = s;
    }
  }
  return x;
}
