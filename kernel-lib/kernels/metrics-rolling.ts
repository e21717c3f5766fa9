/**
 * Rolling statistics for charts, over a trailing window of `window` bars ending at t
 * (out[t] is NaN for t < window - 1). Sliding sums are re-anchored every `window` bars to
 * keep the drift of add/subtract updates below 1e-12 on long series.
 */

/** Rolling Sharpe: mean / std(ddof 1) * sqrt(periodsPerYear) of returns in the window. */
export function rollingSharpeKernel(returns: Float64Array, window: number, periodsPerYear: number, out: Float64Array): void {
  const n = returns.length;
  const scale = Math.sqrt(periodsPerYear);
  let sum = 0;
  let squares = 0;
  for (let t = 0; t < n; t++) {
    if (t % window === 0 && t >= window) {
      sum = 0;
      squares = 0;
      for (let s = t - window + 1; s < t; s++) {
        sum += returns[s];
        squares += returns[s] * returns[s];
      }
    } else if (t >= window) {
      const old = returns[t - window];
      sum -= old;
      squares -= old * old;
    }
    sum += returns[t];
    squares += returns[t] * returns[t];
    if (t < window - 1) {
      out[t] = NaN;
      continue;
    }
    const mean = sum / window;
    const variance = Math.max(0, (squares - window * mean * mean) / (window - 1));
    out[t] = variance > 0 ? (mean / Math.sqrt(variance)) * scale : NaN;
  }
}

/** Rolling beta of y on x: cov(x, y) / var(x) over the window (NaN when var(x) is 0). */
export function rollingBetaKernel(y: Float64Array, x: Float64Array, window: number, out: Float64Array): void {
  const n = y.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < n; t++) {
    if (t % window === 0 && t >= window) {
      sx = sy = sxx = sxy = 0;
      for (let s = t - window + 1; s < t; s++) {
        sx += x[s];
        sy += y[s];
        sxx += x[s] * x[s];
        sxy += x[s] * y[s];
      }
    } else if (t >= window) {
      const ox = x[t - window];
      const oy = y[t - window];
      sx -= ox;
      sy -= oy;
      sxx -= ox * ox;
      sxy -= ox * oy;
    }
    sx += x[t];
    sy += y[t];
    sxx += x[t] * x[t];
    sxy += x[t] * y[t];
    if (t < window - 1) {
      out[t] = NaN;
      continue;
    }
    const varX = sxx - (sx * sx) / window;
    out[t] = varX > 1e-300 ? (sxy - (sx * sy) / window) / varX : NaN;
  }
}
