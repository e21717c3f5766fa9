import type { Strategy } from '../strategy/define';
import { paramTypes } from '../optimize/grid';

/**
 * Bars of history a test window needs before its first bar so that the strategy's indicators
 * exist there: the longest look-back the parameters name (the largest integer-typed parameter,
 * e.g. slow = 200 for sma_cross, the Donchian window or the RSI period) plus `lag` (the position
 * on bar t comes from the target on bar t - lag, so that bar's indicators must exist too, and
 * one bar more gives the position before the test starts).
 *
 * With SMA(200) and lag 1: 201 bars, so SMA(200) is computed from real prices on bars
 * T - 2 and T - 1 and the test's first position equals the full-history one. Recursive
 * indicators (EMA, Wilder's RSI and ATR) exist after that many bars but only converge to the
 * full-history values over a few multiples of their period: pass a longer `warmup` for them.
 */
export function warmupBars(strategy: Strategy<any>, params: Record<string, unknown>, lag: number): number {
  const types = paramTypes(strategy);
  let longest = 0;
  for (const [name, value] of Object.entries(params)) {
    if (types[name]?.type === 'integer' && typeof value === 'number' && value > longest) longest = value;
  }
  return longest + lag;
}
