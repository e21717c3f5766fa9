/**
 * Performance metrics as allocation-free loops over a net return series, following
 * empyrical's conventions exactly (docs/metrics.md): NaN returns are skipped by the mean and
 * standard deviation, count as a 0 return in compounding, and count as a bar in CAGR's length.
 *
 * Results go into a caller-owned Float64Array indexed by `Metric` so a parameter search can
 * reuse one buffer for thousands of runs.
 */
export const METRIC_NAMES = [
  'sharpe', 'sortino', 'max_drawdown', 'cagr', 'calmar', 'annual_volatility', 'total_return', 'stability',
  'turnover', 'trade_count', 'win_rate', 'avg_win', 'avg_loss', 'profit_factor', 'cost_share',
  'bars_in_market', 'exposure', 'nan_count', 'bars',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** Slot of each metric in a metrics buffer. */
export const Metric = Object.fromEntries(METRIC_NAMES.map((name, i) => [name, i])) as { readonly [K in MetricName]: number };

export function metricsBuffer(): Float64Array {
  return new Float64Array(METRIC_NAMES.length).fill(NaN);
}

/**
 * Return-based metrics of `net` (sharpe .. stability) into `out`.
 * - sharpe = mean / std(ddof 1) * sqrt(P); NaN when fewer than 2 bars; +-Infinity when the
 *   standard deviation is 0 and the mean is not (0/0 is NaN) - numpy division, as empyrical.
 * - sortino = mean * P / (sqrt(mean(min(r, 0)^2)) * sqrt(P)); same edge cases.
 * - max_drawdown = min over t of equity[t] / running peak - 1, equity starting at 1.
 * - cagr = prod(1 + r)^(P / n) - 1 (n counts every bar); calmar = cagr / |max_drawdown| when
 *   max_drawdown < 0, else NaN (and NaN instead of +-Infinity).
 * - annual_volatility = std(ddof 1) * sqrt(P); total_return = prod(1 + r) - 1.
 * - stability = R^2 of an OLS fit of cumsum(log1p(r)) (NaN bars dropped) on 0, 1, 2, ...;
 *   NaN when fewer than 2 bars, 0 when the fitted series is constant (scipy's linregress).
 * `scratch` (length >= net.length, contents overwritten) makes stability faster; without it
 * nothing is written outside `out`.
 */
export function returnMetricsKernel(net: Float64Array, periodsPerYear: number, out: Float64Array, scratch?: Float64Array): void {
  const n = net.length;
  // Accumulators go through selects (`s += ok ? r : 0`), never one-sided `if (ok) s += r`,
  // which V8 runs 3-5x slower (docs/engine.md, "Kernel style"). Adding 0 or multiplying by 1
  // for a NaN bar leaves every sum bit-identical to skipping it.
  let count = 0;
  let sum = 0;
  let downsideSquares = 0;
  let value = 1;
  let peak = 1;
  let maxDrawdown = 0;
  let floor = 1;
  for (let t = 0; t < n; t++) {
    const r = net[t];
    const valid = r === r;
    const x = valid ? r : 0;
    count += valid ? 1 : 0;
    sum += x;
    const loss = x * +(x < 0); // min(x, 0) without a branch on a coin-flip sign
    downsideSquares += loss * loss;
    value *= 1 + x;
    // Drawdown: divide only when the trough deepens (value below peak * (1 + maxDrawdown)).
    if (value > peak) {
      peak = value;
      floor = peak * (1 + maxDrawdown);
    } else if (value < floor) {
      maxDrawdown = value / peak - 1;
      floor = value;
    }
  }
  const mean = sum / count;
  let squares = 0;
  for (let t = 0; t < n; t++) {
    const r = net[t];
    const d = r === r ? r - mean : 0;
    squares += d * d;
  }
  const std = Math.sqrt(squares / (count - 1));
  const tooShort = n < 2;
  const annualization = Math.sqrt(periodsPerYear);
  out[Metric.sharpe] = tooShort ? NaN : (mean / std) * annualization;
  const downside = Math.sqrt(downsideSquares / count) * annualization;
  out[Metric.sortino] = tooShort ? NaN : (mean * periodsPerYear) / downside;
  out[Metric.annual_volatility] = tooShort ? NaN : std * annualization;
  out[Metric.max_drawdown] = n < 1 ? NaN : maxDrawdown;
  out[Metric.total_return] = n < 1 ? NaN : value - 1;
  const cagr = n < 1 ? NaN : Math.pow(value, periodsPerYear / n) - 1;
  out[Metric.cagr] = cagr;
  let calmar = NaN;
  if (maxDrawdown < 0) {
    calmar = cagr / Math.abs(maxDrawdown);
    if (calmar === Infinity || calmar === -Infinity) calmar = NaN;
  }
  out[Metric.calmar] = calmar;
  out[Metric.stability] = tooShort || count < 2 ? NaN : scratch && scratch.length >= n ? stabilityTwoPass(net, count, scratch) : stabilityOf(net);
  out[Metric.bars] = n;
}

/**
 * The R^2 in two passes over a caller-owned scratch buffer holding y (no division per bar).
 * log1p is a call, so it gets a loop of its own: around a call V8 spills every live
 * floating-point accumulator, which made one fused loop 2.5x slower.
 * x = 0..m-1 has mean (m-1)/2 and sum of squared deviations m(m^2-1)/12 exactly.
 */
function stabilityTwoPass(net: Float64Array, count: number, y: Float64Array): number {
  let logCum = 0;
  let sumY = 0;
  for (let t = 0, k = 0; t < net.length; t++) {
    const r = net[t];
    const valid = r === r;
    logCum += valid ? Math.log1p(r) : 0;
    y[k] = logCum; // packed: an invalid bar's write is overwritten by the next valid one
    k += valid ? 1 : 0;
    sumY += valid ? logCum : 0;
  }
  const meanY = sumY / count;
  const meanX = (count - 1) / 2;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < count; k++) {
    const d = y[k] - meanY;
    syy += d * d;
    sxy += (k - meanX) * d;
  }
  return rSquared(sxy, (count * (count * count - 1)) / 12, syy);
}

function rSquared(sxy: number, sxx: number, syy: number): number {
  const denominator = Math.sqrt(sxx * syy);
  let rho = denominator === 0 ? 0 : sxy / denominator;
  if (rho > 1) rho = 1;
  else if (rho < -1) rho = -1;
  return rho * rho;
}

/**
 * R^2 of cumsum(log1p(r)) (NaN bars dropped) against 0, 1, 2, ...: online (Welford)
 * co-moments, stable for millions of bars where sum-of-squares formulas cancel. 0 when the
 * fitted series is constant, as scipy's linregress.
 */
function stabilityOf(net: Float64Array): number {
  let count = 0;
  let logCum = 0;
  let meanX = 0;
  let meanY = 0;
  let m2x = 0;
  let m2y = 0;
  let cxy = 0;
  for (let t = 0; t < net.length; t++) {
    const r = net[t];
    if (r !== r) continue;
    count++;
    logCum += Math.log1p(r);
    const inverse = 1 / count;
    const dx = count - 1 - meanX;
    meanX += dx * inverse;
    const dy = logCum - meanY;
    meanY += dy * inverse;
    const ry = logCum - meanY;
    m2x += dx * (count - 1 - meanX);
    m2y += dy * ry;
    cxy += dx * ry;
  }
  return rSquared(cxy, m2x, m2y);
}

/**
 * Exposure and cost metrics into `out`:
 * - turnover = sum(turnover[t]) * P / n: how many times the book is traded per year
 *   (|change in position| summed, so a round trip in and out counts 2).
 * - bars_in_market = bars with exposure[t] != 0; exposure = bars_in_market / n.
 * - cost_share = sum(cost) / sum(gross) when sum(gross) > 0, else NaN: the fraction of the
 *   gross (pre-cost) return spent on costs, both as sums of per-bar returns.
 * `nanCount` is stored as nan_count.
 */
export function exposureMetricsKernel(
  exposure: Float64Array,
  turnover: Float64Array,
  gross: Float64Array,
  cost: Float64Array,
  periodsPerYear: number,
  nanCount: number,
  out: Float64Array,
): void {
  const n = exposure.length;
  let traded = 0;
  let inMarket = 0;
  let grossSum = 0;
  let costSum = 0;
  for (let t = 0; t < n; t++) {
    const e = exposure[t];
    traded += turnover[t];
    inMarket += e !== 0 && e === e ? 1 : 0;
    grossSum += gross[t];
    costSum += cost[t];
  }
  out[Metric.turnover] = n > 0 ? (traded * periodsPerYear) / n : NaN;
  out[Metric.bars_in_market] = inMarket;
  out[Metric.exposure] = n > 0 ? inMarket / n : NaN;
  out[Metric.cost_share] = grossSum > 0 ? costSum / grossSum : NaN;
  out[Metric.nan_count] = nanCount;
}
