import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { exactRollingMean } from './exact-rolling-sum';
import { bySecurity, inputExpr, requireBars, requireNumber, SECURITY_COLUMN, type Input } from './parameters';

export interface BollingerOptions {
  /** Delta degrees of freedom of the band's standard deviation. Default 0 (population), as Bollinger and TA-Lib. */
  ddof?: 0 | 1;
}

export interface BollingerExprs {
  middle: pl.Expr;
  upper: pl.Expr;
  lower: pl.Expr;
}

/**
 * Bollinger bands per security: middle = SMA(window) (exact, as `sma`), upper/lower = middle
 * +/- k * rolling standard deviation over the same window (population, ddof 0, by default).
 * The first `window - 1` rows are null. Named `bb_middle_<col>_<window>_<k>`, `bb_upper_...`,
 * `bb_lower_...`.
 */
export function bollinger(column: Input, window = 20, k = 2, options: BollingerOptions = {}): BollingerExprs {
  requireBars(window, 'window', 2);
  requireNumber(k, 'k', { min: 0 });
  const ddof = options.ddof ?? 0;
  if (ddof !== 0 && ddof !== 1) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'ddof' must be 0 (population) or 1 (sample), got ${String(ddof)}`);
  }
  const x = inputExpr(column);
  const middle = exactRollingMean(x, window, SECURITY_COLUMN);
  // nodejs-polars drops the ddof option of rollingStd (always ddof 1): rescale the sample
  // deviation, sqrt(SS / (w - 1)) * sqrt((w - 1) / (w - ddof)) = sqrt(SS / (w - ddof)).
  const width = bySecurity(x.rollingStd(window)).mul(k * Math.sqrt((window - 1) / (window - ddof)));
  const suffix = typeof column === 'string' ? `${column}_${window}_${k}` : `${window}_${k}`;
  return {
    middle: middle.alias(`bb_middle_${suffix}`),
    upper: middle.add(width).alias(`bb_upper_${suffix}`),
    lower: middle.sub(width).alias(`bb_lower_${suffix}`),
  };
}
