import pl from 'nodejs-polars';
import { bySecurity, requireBars } from './parameters';

export interface DonchianOptions {
  /**
   * Bars to shift the channel by within each security. 0 (default): the channel at t covers bars
   * t-window+1..t, so close[t] can never exceed it; 1: bars t-window..t-1, the channel a breakout
   * at t is compared with.
   */
  lag?: number;
  high?: string;
  low?: string;
}

export interface DonchianExprs {
  upper: pl.Expr;
  lower: pl.Expr;
  middle: pl.Expr;
}

/**
 * Donchian channel per security: upper = highest `high` and lower = lowest `low` of the last
 * `window` bars, middle = (upper + lower) / 2, each shifted by `lag` bars. The first
 * `window - 1 + lag` rows are null. Named `donchian_upper_<window>` (plus `_lag<lag>` when
 * lag > 0), `donchian_lower_...`, `donchian_middle_...`.
 */
export function donchian(window: number, options: DonchianOptions = {}): DonchianExprs {
  requireBars(window, 'window');
  const lag = requireBars(options.lag ?? 0, 'lag', 0);
  const shifted = (e: pl.Expr) => (lag === 0 ? e : e.shift(lag));
  const upper = shifted(pl.col(options.high ?? 'high').rollingMax(window));
  const lower = shifted(pl.col(options.low ?? 'low').rollingMin(window));
  const suffix = lag === 0 ? `${window}` : `${window}_lag${lag}`;
  return {
    upper: bySecurity(upper).alias(`donchian_upper_${suffix}`),
    lower: bySecurity(lower).alias(`donchian_lower_${suffix}`),
    middle: bySecurity(upper.add(lower).div(2)).alias(`donchian_middle_${suffix}`),
  };
}
