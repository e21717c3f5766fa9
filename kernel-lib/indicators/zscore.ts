import pl from 'nodejs-polars';
import { exactRollingMean } from './exact-rolling-sum';
import { bySecurity, inputExpr, named, requireBars, SECURITY_COLUMN, type Input } from './parameters';

/**
 * Rolling z-score per security: (x[t] - SMA(window)[t]) / STD(window)[t], with the sample
 * standard deviation (ddof 1) of the same window (current bar included; the mean is exact as in
 * `sma`). The first `window - 1` rows are null, and so is every row whose window holds a single
 * repeated value (the deviation is 0, the score undefined).
 */
export function zscore(column: Input, window: number): pl.Expr {
  requireBars(window, 'window', 2);
  const x = inputExpr(column);
  const constant = bySecurity(x.rollingMax(window).eq(x.rollingMin(window)));
  // nodejs-polars' rollingStd is always the sample deviation (it drops a ddof option).
  const score = x.sub(exactRollingMean(x, window, SECURITY_COLUMN)).div(bySecurity(x.rollingStd(window)));
  return named(pl.when(constant).then(pl.lit(null).cast(pl.Float64)).otherwise(score), 'zscore', column, window);
}
