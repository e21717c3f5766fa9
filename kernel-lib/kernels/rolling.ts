/**
 * Rolling statistics over one Float64Array (one security's series): the typed-array twins of
 * the `sma`, `ema` and rolling standard deviation indicators, for loops that compute many
 * windows over the same arrays (parameter sweeps) without going back to polars.
 *
 * Conventions (as the polars indicators): window = the last `window` values, current one
 * included; warm-up rows are NaN; a window holding a NaN or infinite value gives NaN.
 * `out` may be passed to reuse memory (length >= values.length); it is returned.
 */

/** Decimal scales tried for exact integer sums, smallest first. */
const SCALES = [1, 1e2, 1e4, 1e6, 1e8];
const EXACT_INTEGER_LIMIT = 2 ** 53;

/**
 * The smallest scale s (1, 1e2, ..., 1e8) such that every finite value is the double nearest to
 * a decimal with log10(s) places (round(x*s)/s === x) and `window` of them summed as integers
 * stay below 2^53; 0 when there is none. NaN/infinite values are skipped.
 */
export function decimalScale(values: Float64Array, window: number): number {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a !== Infinity && a > maxAbs) maxAbs = a;
  }
  for (const s of SCALES) {
    if (maxAbs * s * window >= EXACT_INTEGER_LIMIT) return 0;
    let exact = true;
    for (let i = 0; i < values.length && exact; i++) {
      const x = values[i];
      if (x - x === 0 && Math.round(x * s) / s !== x) exact = false;
    }
    if (exact) return s;
  }
  return 0;
}

/**
 * Simple moving average, exact for decimal data: integer window sums divided once by
 * window x scale (see indicators/exact-rolling-sum.ts), so equal averages of different windows
 * are bit-identical. Other data: a Neumaier-compensated running sum.
 */
export function smaArray(values: Float64Array, window: number, out: Float64Array = new Float64Array(values.length)): Float64Array {
  const n = values.length;
  const scale = decimalScale(values, window);
  let sum = 0;
  let compensation = 0;
  let bad = 0; // non-finite values in the window
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x - x === 0) {
      if (scale) sum += Math.round(x * scale);
      else {
        const t = sum + x;
        compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
        sum = t;
      }
    } else bad++;
    if (i >= window) {
      const y = values[i - window];
      if (y - y === 0) {
        if (scale) sum -= Math.round(y * scale);
        else {
          const t = sum - y;
          compensation += Math.abs(sum) >= Math.abs(y) ? sum - t - y : -y - t + sum;
          sum = t;
        }
      } else bad--;
    }
    if (i < window - 1 || bad > 0) out[i] = NaN;
    else out[i] = scale ? sum / (window * scale) : (sum + compensation) / window;
  }
  return out;
}

/**
 * SMAs of one series for many windows into `out` (row j = SMA(windows[j]), n values each),
 * bit-identical to smaArray per window. Decimal data whose whole sum fits the exact integer
 * range share one prefix sum of the scaled integers: each window's sum is a difference of two
 * exact integers, the same number smaArray's running sum reaches, so a row costs one
 * subtraction and one division per bar instead of a pass with rounding (and its own scale scan).
 */
export function smaRows(values: Float64Array, windows: Int32Array, out: Float64Array): Float64Array {
  const n = values.length;
  const scale = decimalScale(values, Math.max(1, n));
  if (!scale || !allFinite(values)) {
    for (let j = 0; j < windows.length; j++) smaArray(values, windows[j], out.subarray(j * n, (j + 1) * n));
    return out;
  }
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + Math.round(values[i] * scale);
  for (let j = 0; j < windows.length; j++) {
    const window = windows[j];
    const row = j * n;
    const divisor = window * scale;
    const warmUp = Math.min(n, window - 1);
    out.fill(NaN, row, row + warmUp);
    for (let i = warmUp; i < n; i++) out[row + i] = (prefix[i + 1] - prefix[i + 1 - window]) / divisor;
  }
  return out;
}

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return false;
  return true;
}

/**
 * EMA with a constant alpha, recursive form: seeded with the first finite value,
 * y = alpha * x + (1 - alpha) * y. A NaN input gives NaN and leaves the state unchanged; values
 * before `minPeriods` finite observations are NaN. With alpha = 2 / (span + 1) and
 * minPeriods = span this is `ema(col, {span})`.
 */
export function emaArray(values: Float64Array, alpha: number, minPeriods = 1, out: Float64Array = new Float64Array(values.length)): Float64Array {
  let y = NaN;
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== x) {
      out[i] = NaN;
      continue;
    }
    y = seen === 0 ? x : alpha * x + (1 - alpha) * y;
    seen++;
    out[i] = seen >= minPeriods ? y : NaN;
  }
  return out;
}

/**
 * Rolling standard deviation with `ddof` (1: sample, 0: population). Decimal data: exact
 * integer sums of c and c^2 (c = x * scale), so a window of equal values gives exactly 0.
 * Otherwise: Welford's update with removal, recomputed from scratch every `window` rows to
 * bound drift, variance clamped at 0.
 */
export function rollingStdArray(values: Float64Array, window: number, ddof = 1, out: Float64Array = new Float64Array(values.length)): Float64Array {
  const n = values.length;
  let scale = decimalScale(values, window);
  // The squared sums must stay exact too: (window * max|c|)^2 < 2^53.
  if (scale) {
    let maxAbs = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(values[i] * scale);
      if (a !== Infinity && a > maxAbs) maxAbs = a;
    }
    if ((window * maxAbs) ** 2 >= EXACT_INTEGER_LIMIT) scale = 0;
  }
  return scale ? integerStd(values, window, ddof, scale, out) : welfordStd(values, window, ddof, out);
}

function integerStd(values: Float64Array, window: number, ddof: number, scale: number, out: Float64Array): Float64Array {
  let sum = 0;
  let sumSquares = 0;
  let bad = 0;
  const denominator = window * (window - ddof) * scale * scale;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x - x === 0) {
      const c = Math.round(x * scale);
      sum += c;
      sumSquares += c * c;
    } else bad++;
    if (i >= window) {
      const y = values[i - window];
      if (y - y === 0) {
        const c = Math.round(y * scale);
        sum -= c;
        sumSquares -= c * c;
      } else bad--;
    }
    if (i < window - 1 || bad > 0 || window - ddof <= 0) out[i] = NaN;
    else out[i] = Math.sqrt((window * sumSquares - sum * sum) / denominator);
  }
  return out;
}

function welfordStd(values: Float64Array, window: number, ddof: number, out: Float64Array): Float64Array {
  let mean = 0;
  let m2 = 0;
  let count = 0; // finite values in the window
  let bad = 0;
  let sinceRecompute = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x - x === 0) {
      count++;
      const delta = x - mean;
      mean += delta / count;
      m2 += delta * (x - mean);
    } else bad++;
    if (i >= window) {
      const y = values[i - window];
      if (y - y === 0) {
        if (count === 1) {
          mean = 0;
          m2 = 0;
          count = 0;
        } else {
          const delta = y - mean;
          mean -= delta / (count - 1);
          m2 -= delta * (y - mean);
          count--;
        }
      } else bad--;
    }
    if (++sinceRecompute >= window && i >= window - 1) {
      sinceRecompute = 0;
      mean = 0;
      m2 = 0;
      count = 0;
      for (let j = i - window + 1; j <= i; j++) {
        const z = values[j];
        if (z - z !== 0) continue;
        count++;
        const delta = z - mean;
        mean += delta / count;
        m2 += delta * (z - mean);
      }
    }
    if (i < window - 1 || bad > 0 || window - ddof <= 0) out[i] = NaN;
    else out[i] = Math.sqrt(m2 > 0 ? m2 / (window - ddof) : 0);
  }
  return out;
}
