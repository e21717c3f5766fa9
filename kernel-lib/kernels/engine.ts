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

/**
 * Runs the engine over one security's bars; returns how many targets were missing (NaN).
 * The loops are written for V8 (docs/engine.md, "Kernel style"): the flat bars before the
 * first lagged target are peeled off, and a missing target becomes flat through a select.
 */
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
  checkKernelArgs('engineKernel', execution, open, lag);
  const { position, turnover, assetReturn, gross, cost, net } = out;
  const head = Math.min(n, lag);
  for (let t = 0; t < head; t++) {
    position[t] = 0;
    turnover[t] = 0;
    assetReturn[t] = t > 0 ? close[t] / close[t - 1] - 1 : 0;
    gross[t] = 0;
    cost[t] = 0;
    net[t] = 0;
  }
  if (execution === 'open') openFills(close, open!, target, lag, costRate, out);
  else closeFills(close, target, lag, costRate, out);
  return missingCount(target);
}

function closeFills(close: Float64Array, target: Float64Array, lag: number, costRate: number, out: EngineOutputs): void {
  const { position, turnover, assetReturn, gross, cost, net } = out;
  let previous = 0;
  for (let t = lag; t < close.length; t++) {
    const lagged = target[t - lag];
    const p = lagged === lagged ? lagged : 0;
    const r = close[t] / close[t - 1] - 1;
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
}

function openFills(close: Float64Array, open: Float64Array, target: Float64Array, lag: number, costRate: number, out: EngineOutputs): void {
  const { position, turnover, assetReturn, gross, cost, net } = out;
  let previous = 0;
  for (let t = lag; t < close.length; t++) {
    const lagged = target[t - lag];
    const p = lagged === lagged ? lagged : 0;
    const c0 = close[t - 1];
    const g = (1 + previous * (open[t] / c0 - 1)) * (1 + p * (close[t] / open[t] - 1)) - 1;
    const traded = Math.abs(p - previous);
    const c = traded * costRate;
    position[t] = p;
    turnover[t] = traded;
    assetReturn[t] = close[t] / c0 - 1;
    gross[t] = g;
    cost[t] = c;
    net[t] = g - c;
    previous = p;
  }
}

function checkKernelArgs(kernel: string, execution: Execution, open: Float64Array | undefined, lag: number): void {
  if (execution === 'open' && !open) throw new Error(`${kernel}: execution "open" needs open prices`);
  if (!(lag >= 1)) throw new Error(`${kernel}: lag must be >= 1 (a position follows its target), got ${lag}`);
}

function missingCount(values: Float64Array): number {
  let missing = 0;
  for (let t = 0; t < values.length; t++) missing += values[t] === values[t] ? 0 : 1;
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
  checkKernelArgs('netReturnsKernel', execution, open, lag);
  net.fill(0, 0, Math.min(n, lag));
  let previous = 0;
  if (execution === 'open') {
    for (let t = lag; t < n; t++) {
      const lagged = target[t - lag];
      const p = lagged === lagged ? lagged : 0;
      const c0 = close[t - 1];
      const g = (1 + previous * (open![t] / c0 - 1)) * (1 + p * (close[t] / open![t] - 1)) - 1;
      net[t] = g - Math.abs(p - previous) * costRate;
      previous = p;
    }
    return;
  }
  for (let t = lag; t < n; t++) {
    const lagged = target[t - lag];
    const p = lagged === lagged ? lagged : 0;
    net[t] = p * (close[t] / close[t - 1] - 1) - Math.abs(p - previous) * costRate;
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
    value *= 1 + (r === r ? r : 0);
    peak = value > peak ? value : peak;
    equity[t] = value;
    drawdown[t] = value / peak - 1;
  }
}
