import type pl from 'nodejs-polars';
import { bySecurity, inputExpr, named, requireBars, type Input } from './parameters';
import { wilderSmoothing } from './wilder-smoothing';

/**
 * Wilder's RSI per security, in [0, 100]:
 *   d[t] = x[t] - x[t-1], gain = max(d, 0), loss = max(-d, 0),
 *   G, L = Wilder smoothing of gain and loss (seed: mean of the first `period` changes),
 *   RSI = 100 * G / (G + L)   (= 100 - 100 / (1 + G/L)).
 * The first `period` rows are null (the first value needs `period` changes). Matches
 * StockCharts' worked example (cs-rsi.xls) and TA-Lib. When nothing moved in the smoothing
 * (G = L = 0) RSI is 50, not TA-Lib's 0 (a flat price is not oversold). A NaN price propagates
 * (use nulls for missing prices).
 */
export function rsi(column: Input, period: number): pl.Expr {
  requireBars(period, 'period');
  const change = inputExpr(column).diff(1, 'ignore');
  // The smoothing is linear, so G - L = W(d) and G + L = W(|d|), and
  //   RSI = 50 + 50 (G - L) / (G + L)
  // needs two smoothings, each referenced once: polars does not share a repeated window
  // subexpression, and a NaN/zero guard (when/fillNan) would evaluate it twice. The 1e-300 is
  // absorbed by any real G + L (it changes nothing above 1e-284) and turns 0 / 0 into 0 / 1e-300
  // = 0, i.e. RSI 50 when nothing moved; pure falls give exactly 0, pure rises exactly 100.
  const net = bySecurity(wilderSmoothing(change, period));
  const total = bySecurity(wilderSmoothing(change.abs(), period));
  return named(net.div(total.add(1e-300)).mul(50).add(50), 'rsi', column, period);
}
