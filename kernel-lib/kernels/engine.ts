/**
 * The vectorized backtest engine for one security, as a plain loop over typed arrays.
 *
 * Conventions (docs/engine.md):
 * - position[t] = target[t - lag] (lag >= 1; a missing target is flat); position[t] = 0 for t < lag
 *   (flat start).
 * - turnover[t] = |position[t] - position[t-1]| with position[-1] = 0.
 * - assetReturn[t] = close[t] / close[t-1] - 1, and 0 on the first bar.
 * - execution 'close': the bar-t position is filled at close[t-1] and earns the whole bar:
 *   gross[t] = position[t] * assetReturn[t].
 * - execution 'open': the bar-t position is filled at open[t]. The old position earns the
 *   overnight part (close[t-1] -> open[t]), the new one the intraday part (open[t] -> close[t]):
 *   gross[t] = (1 + position[t-1] * (open[t]/close[t-1] - 1)) * (1 + position[t] * (close[t]/open[t] - 1)) - 1.
 * - cost[t] = turnover[t] * costRate (fee + slippage as a fraction), charged on the bar whose
 *   position changed; net[t] = gross[t] - cost[t].
 *
 * No allocation: the caller owns every buffer (the parameter search reuses them across
 * thousands of runs). Prices must be finite and positive (checked by the API layer).
 */
export interface EngineOutputs {
  position: Float64Array;
  turnover: Float64Array;
  assetReturn: Float64Array;
  gross: Float64Array;
  cost: Float64Array;
  net: Float64Array;
}

export type Execution = 'close' | 'open';

/** Runs the engine over one security's bars; returns how many targets were missing (NaN). */
export function engineKernel(
  close: Float64Array,
  open: Float64Array | undefined,
  target: Float64Array,
  lag: number,
  costRate: number,
  execution: Execution,
  out: EngineOutputs,
): number {
  const n = close.length;
  const { position, turnover, assetReturn, gross, cost, net } = out;
  let missing = 0;
  let previous = 0;
  if (execution === 'open') {
    if (!open) throw new Error('engineKernel: execution "open" needs open prices');
    for (let t = 0; t < n; t++) {
      const x = target[t];
      if (x !== x) missing++;
      let p = 0;
      if (t >= lag) {
        const lagged = target[t - lag];
        if (lagged === lagged) p = lagged;
      }
      let r = 0;
      let g = 0;
      if (t > 0) {
        const c0 = close[t - 1];
        r = close[t] / c0 - 1;
        g = (1 + previous * (open[t] / c0 - 1)) * (1 + p * (close[t] / open[t] - 1)) - 1;
      }
      const traded = Math.abs(p - previous);
      const c = traded * costRate;
      position[t] = p;
      turnover[t] = traded;
      assetReturn[t] = r;
      gross[t] = g;
      cost[t] = c;
      net[t] = g - c;
      previous = p;
    }
    return missing;
  }
  for (let t = 0; t < n; t++) {
    const x = target[t];
    if (x !== x) missing++;
    let p = 0;
    if (t >= lag) {
      const lagged = target[t - lag];
      if (lagged === lagged) p = lagged;
    }
    const r = t > 0 ? close[t] / close[t - 1] - 1 : 0;
    const g = p * r;
    const traded = Math.abs(p - previous);
    const c = traded * costRate;
    position[t] = p;
    turnover[t] = traded;
    assetReturn[t] = r;
    gross[t] = g;
    cost[t] = c;
    net[t] = g - c;
    previous = p;
  }
  return missing;
}

/**
 * Only the net return series (no other outputs): the hot path of a parameter search, where
 * only metrics of net returns are needed. Same conventions as engineKernel.
 */
export function netReturnsKernel(
  close: Float64Array,
  open: Float64Array | undefined,
  target: Float64Array,
  lag: number,
  costRate: number,
  execution: Execution,
  net: Float64Array,
): void {
  const n = close.length;
  let previous = 0;
  const byOpen = execution === 'open';
  if (byOpen && !open) throw new Error('netReturnsKernel: execution "open" needs open prices');
  for (let t = 0; t < n; t++) {
    let p = 0;
    if (t >= lag) {
      const lagged = target[t - lag];
      if (lagged === lagged) p = lagged;
    }
    let g = 0;
    if (t > 0) {
      const c0 = close[t - 1];
      g = byOpen
        ? (1 + previous * (open![t] / c0 - 1)) * (1 + p * (close[t] / open![t] - 1)) - 1
        : p * (close[t] / c0 - 1);
    }
    net[t] = g - Math.abs(p - previous) * costRate;
    previous = p;
  }
}

/**
 * equity[t] = prod_{s<=t} (1 + net[s]) (starting at 1 before the first bar);
 * drawdown[t] = equity[t] / max(1, max_{s<=t} equity[s]) - 1. A NaN return counts as 0.
 */
export function equityKernel(net: Float64Array, equity: Float64Array, drawdown: Float64Array): void {
  let value = 1;
  let peak = 1;
  for (let t = 0; t < net.length; t++) {
    const r = net[t];
    if (r === r) value *= 1 + r;
    if (value > peak) peak = value;
    equity[t] = value;
    drawdown[t] = value / peak - 1;
  }
}
