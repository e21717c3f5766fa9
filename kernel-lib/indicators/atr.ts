import pl from 'nodejs-polars';
import { bySecurity, requireBars } from './parameters';
import { wilderSmoothing } from './wilder-smoothing';

export interface OhlcColumns {
  high?: string;
  low?: string;
  close?: string;
}

/**
 * True range per security: max(high - low, |high - prevClose|, |low - prevClose|); on a
 * security's first bar (no previous close) it is high - low.
 */
export function trueRange(columns: OhlcColumns = {}): pl.Expr {
  return bySecurity(trueRangeSeries(columns)).alias('true_range');
}

/**
 * Wilder's Average True Range per security: the first value, at row `period - 1`, is the mean
 * of the first `period` true ranges (the first one being high - low); then
 * ATR[t] = (ATR[t-1] * (period - 1) + TR[t]) / period. The first `period - 1` rows are null.
 * This is Wilder's, StockCharts' (cs-atr.xls) and TradingView's ta.atr convention; TA-Lib
 * drops the first bar's range and starts one row later. Reads `high`, `low`, `close` (rename
 * with `columns`).
 */
export function atr(period: number, columns: OhlcColumns = {}): pl.Expr {
  requireBars(period, 'period');
  return bySecurity(wilderSmoothing(trueRangeSeries(columns), period)).alias(`atr_${period}`);
}

export function trueRangeSeries(columns: OhlcColumns = {}): pl.Expr {
  const high = pl.col(columns.high ?? 'high');
  const low = pl.col(columns.low ?? 'low');
  const prevClose = pl.col(columns.close ?? 'close').shift(1);
  const range = high.sub(low);
  // maxHorizontal skips nulls, but a null high/low must not fall back to the close gaps.
  return pl.when(range.isNull()).then(pl.lit(null).cast(pl.Float64))
    .otherwise(pl.maxHorizontal([range, high.sub(prevClose).abs(), low.sub(prevClose).abs()]));
}
