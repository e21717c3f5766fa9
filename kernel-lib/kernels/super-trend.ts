import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { applyKernel } from './apply-kernel';
import { wilderAtrArray } from './wilder';

export interface SuperTrendOptions {
  /** ATR period (Wilder). Default 10. */
  period?: number;
  /** Band width in ATRs. Default 3. */
  multiplier?: number;
  /** Output columns <prefix> (the line), <prefix>_direction, <prefix>_upper, <prefix>_lower. Default 'supertrend'. */
  prefix?: string;
  high?: string;
  low?: string;
  close?: string;
}

/**
 * SuperTrend per security (see `superTrendKernel`). Adds `supertrend` (the trailing line),
 * `supertrend_direction` (+1 up-trend: line below price; -1 down-trend: line above),
 * `supertrend_upper` and `supertrend_lower` (the final bands). Null during the ATR warm-up.
 */
export async function superTrend(frame: pl.DataFrame | pl.LazyFrame, options: SuperTrendOptions = {}): Promise<pl.DataFrame> {
  const period = options.period ?? 10;
  const multiplier = options.multiplier ?? 3;
  if (!Number.isInteger(period) || period < 1) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'period' must be a whole number of bars >= 1, got ${String(period)}`);
  }
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier <= 0) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'multiplier' must be a number > 0, got ${String(multiplier)}`);
  }
  const prefix = options.prefix ?? 'supertrend';
  return applyKernel(frame, {
    inputs: [options.high ?? 'high', options.low ?? 'low', options.close ?? 'close'],
    output: [prefix, `${prefix}_direction`, `${prefix}_upper`, `${prefix}_lower`],
    kernel: ([high, low, close], [line, direction, upper, lower]) => {
      const atr = wilderAtrArray(high, low, close, period, line);
      superTrendKernel(high, low, close, atr, multiplier, line, direction, upper, lower);
    },
  });
}

/**
 * SuperTrend over one security's arrays (the common definition, as TradingView's
 * ta.supertrend, with direction sign flipped to +1 = up):
 *   mid = (high + low) / 2, basicUpper = mid + multiplier * ATR, basicLower = mid - multiplier * ATR
 *   upper[t] = basicUpper[t] if basicUpper[t] < upper[t-1] or close[t-1] > upper[t-1], else upper[t-1]
 *   lower[t] = basicLower[t] if basicLower[t] > lower[t-1] or close[t-1] < lower[t-1], else lower[t-1]
 *   on the first bar with an ATR: upper, lower = the basic bands and direction = -1;
 *   then, if the previous line was the upper band: direction = close[t] > upper[t] ? +1 : -1,
 *   else: direction = close[t] < lower[t] ? -1 : +1;
 *   line = lower when direction = +1, upper when -1.
 * The ATR is Wilder's as in `atr` and TradingView's ta.atr (first value at row period - 1, the
 * mean of the first `period` true ranges), so the first line is at row period - 1. `atr` may be the same array as `line` (read at t before line[t] is written).
 * A NaN ATR after the start keeps the previous bands and direction.
 */
export function superTrendKernel(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  atr: Float64Array,
  multiplier: number,
  line: Float64Array,
  direction: Float64Array,
  upper: Float64Array,
  lower: Float64Array,
): void {
  let up = NaN;
  let down = NaN;
  let trend = 0;
  for (let t = 0; t < close.length; t++) {
    const range = atr[t];
    if (range === range && trend === 0) {
      const mid = (high[t] + low[t]) / 2;
      up = mid + multiplier * range;
      down = mid - multiplier * range;
      trend = -1;
    } else if (range === range) {
      const mid = (high[t] + low[t]) / 2;
      const basicUpper = mid + multiplier * range;
      const basicLower = mid - multiplier * range;
      const prevClose = close[t - 1];
      up = basicUpper < up || prevClose > up ? basicUpper : up;
      down = basicLower > down || prevClose < down ? basicLower : down;
      trend = trend < 0 ? (close[t] > up ? 1 : -1) : close[t] < down ? -1 : 1;
    }
    if (trend === 0) {
      line[t] = NaN;
      direction[t] = NaN;
      upper[t] = NaN;
      lower[t] = NaN;
    } else {
      line[t] = trend > 0 ? down : up;
      direction[t] = trend;
      upper[t] = up;
      lower[t] = down;
    }
  }
}
