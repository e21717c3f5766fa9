import type pl from 'nodejs-polars';
import { exactRollingMean } from './exact-rolling-sum';
import { inputExpr, named, requireBars, SECURITY_COLUMN, type Input } from './parameters';

/**
 * Simple moving average over the last `window` bars of each security (current bar included):
 * SMA[t] = (x[t-window+1] + ... + x[t]) / window. The first `window - 1` rows of each security
 * are null, as is any window containing a null.
 *
 * Exact for decimal prices (integer window sums), so mathematically equal averages of different
 * windows stay equal: `sma('close', 5) > sma('close', 25)` is false on a tie. See
 * exact-rolling-sum.ts and docs/indicators.md.
 */
export function sma(column: Input, window: number): pl.Expr {
  requireBars(window, 'window');
  return named(exactRollingMean(inputExpr(column), window, SECURITY_COLUMN), 'sma', column, window);
}
