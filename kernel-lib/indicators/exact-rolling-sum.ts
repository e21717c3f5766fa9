import pl from 'nodejs-polars';

/**
 * Windowed sums and means that keep exact ties, computed within each group of `by` (the
 * security column): `exactRollingMean(x, n, 'security_id')` is SMA(n) per security.
 *
 * Why: polars' `rollingMean` updates a running float sum (add the entering value, subtract the
 * leaving one). On GOOG.csv closes that leaves errors up to 2.3e-13 and breaks 6 of the 9
 * exact SMA(fast) = SMA(slow) ties (fast < slow <= 200); the SMA of five equal prices 489.24
 * comes out as 489.24000000000007. Even summing each window from scratch in floats breaks the
 * SMA(5) = SMA(25) tie of 2010-08-17. See docs/indicators.md.
 *
 * How: market prices are decimals. When every value of the column is finite and the double
 * nearest to a decimal with at most 6 places (round(x * 1e6) / 1e6 == x), the values are scaled
 * to integers, summed per group as Int64 (exact), and divided once by window x 1e6. One
 * correctly rounded division of the exact rational means two windows with mathematically equal
 * means give bit-identical doubles. (The division is done column by column: polars turns a
 * division by a scalar into a multiplication by its reciprocal, which is not correctly rounded.)
 * Otherwise (non-decimal data, NaN or infinite values, or window sums beyond 2^53, i.e.
 * max |x| x window >= 9e9) it falls back to polars' float rolling sum/mean.
 *
 * Performance: the check is an aggregation over the whole column, outside every `.over()`; the
 * windowed parts hold only element-wise operations with literal constants. An aggregation inside
 * a window expression makes polars evaluate it group by group (~18x slower on 3000 securities).
 *
 * Warm-up: the first `window - 1` rows of each group are null, as is every window containing a
 * null.
 */
export function exactRollingSum(x: pl.Expr, window: number, by: string): pl.Expr {
  return exactWindowed(x, window, by, 'sum');
}

export function exactRollingMean(x: pl.Expr, window: number, by: string): pl.Expr {
  return exactWindowed(x, window, by, 'mean');
}

/** Decimal scale of the integer path: exact for up to 6 decimals (cents, FX pips). */
const SCALE = 1e6;
const EXACT_INTEGER_LIMIT = 2 ** 53;

function exactWindowed(x: pl.Expr, window: number, by: string, kind: 'sum' | 'mean'): pl.Expr {
  const isDecimal = x.isFinite().and(x.mul(SCALE).round(0).div(asColumn(x, SCALE)).eq(x)).or(x.isNull()).all();
  // Every window sum (and its Float64 cast) stays exact below 2^53.
  const fitsExactly = x.abs().max().mul(SCALE * window).lt(EXACT_INTEGER_LIMIT).fillNull(true);
  // Non-strict cast: NaN/inf/out-of-range become null instead of failing (that branch is then unused).
  const integerSum = x.mul(SCALE).round(0).cast(pl.Int64, false).rollingSum(window).over(by).cast(pl.Float64);
  const exact = integerSum.div(asColumn(x, kind === 'sum' ? SCALE : SCALE * window));
  const float = (kind === 'sum' ? x.rollingSum(window) : x.rollingMean(window)).over(by);
  return pl.when(isDecimal.and(fitsExactly)).then(exact).otherwise(float);
}

/**
 * `value` as a full-length column beside `x`, so that dividing by it is an exact IEEE division
 * rather than polars' multiplication by a reciprocal.
 */
function asColumn(x: pl.Expr, value: number): pl.Expr {
  return x.mul(0).add(pl.lit(value));
}
