import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { bySecurity, inputExpr, named, requireBars, requireNumber, type Input } from './parameters';

export interface RollingVolatilityOptions {
  /**
   * What the standard deviation is taken of: 'simple' returns x[t]/x[t-1] - 1 (default),
   * 'log' returns ln(x[t]/x[t-1]), or 'none' for the column itself (e.g. a return column).
   */
  returns?: 'simple' | 'log' | 'none';
  /** Periods per year to annualize with (multiplies by sqrt(periodsPerYear)), e.g. 252 for daily bars. */
  periodsPerYear?: number;
}

/**
 * Rolling volatility per security: sample standard deviation (ddof 1) of the last `window`
 * returns of the column (current bar included), optionally annualized by sqrt(periodsPerYear).
 * The first `window` rows are null with returns (the first return needs a previous price), the
 * first `window - 1` with returns: 'none'.
 */
export function rollingVolatility(column: Input, window: number, options: RollingVolatilityOptions = {}): pl.Expr {
  requireBars(window, 'window', 2);
  const kind = options.returns ?? 'simple';
  const x = inputExpr(column);
  let series: pl.Expr;
  if (kind === 'simple') series = x.div(x.shift(1)).sub(1);
  else if (kind === 'log') series = x.div(x.shift(1)).log();
  else if (kind === 'none') series = x;
  else throw new QuantbookError('BAD_PARAMETER', `parameter 'returns' must be 'simple', 'log' or 'none', got '${String(kind)}'`);
  let vol = series.rollingStd(window);
  if (options.periodsPerYear !== undefined) {
    vol = vol.mul(Math.sqrt(requireNumber(options.periodsPerYear, 'periodsPerYear', { min: 0, minExclusive: true })));
  }
  return named(bySecurity(vol), 'volatility', column, window);
}
