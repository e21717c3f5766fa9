import pl from 'nodejs-polars';
import { bySecurity, inputExpr, named, requireBars, type Input } from './parameters';
import { wilderSmoothing } from './wilder-smoothing';

/**
 * Wilder's RSI per security, in [0, 100]:
 *   d[t] = x[t] - x[t-1], gain = max(d, 0), loss = max(-d, 0),
 *   G, L = Wilder smoothing of gain and loss (seed: mean of the first `period` changes),
 *   RSI = 100 * G / (G + L)   (= 100 - 100 / (1 + G/L)).
 * The first `period` rows are null (the first value needs `period` changes). Matches
 * StockCharts' worked example (cs-rsi.xls) and TA-Lib. When nothing moved in the smoothing
 * (G = L = 0) RSI is 50, not TA-Lib's 0 (a flat price is not oversold). NaN prices count as
 * missing (like nulls).
 */
export function rsi(column: Input, period: number): pl.Expr {
  requireBars(period, 'period');
  const change = inputExpr(column).fillNan(pl.lit(null)).diff(1, 'ignore');
  // G + L is the smoothing of |d| (the smoothing is linear), so two smoothings suffice: polars
  // does not share repeated window subexpressions, and each costs a full pass per security.
  const gain = bySecurity(wilderSmoothing(change.clip(0, Infinity), period));
  const total = bySecurity(wilderSmoothing(change.abs(), period));
  // NaN can only be 0 / 0 here (NaN inputs became nulls): nothing moved.
  return named(gain.div(total).mul(100).fillNan(50), 'rsi', column, period);
}
