import pl from 'nodejs-polars';

/**
 * Wilder's smoothing of a single series (RSI's gains and losses, ATR's true range): the first
 * value, at the n-th non-null input, is the mean of the first n non-null inputs; after it
 *   S[t] = (S[t-1] * (n - 1) + x[t]) / n,
 * i.e. an EMA with alpha = 1/n seeded with an SMA (TradingView's `ta.rma`). Rows before the
 * seed are null; a null input later gives a null row and leaves the state unchanged. Wrap the
 * result in `.over(...)` to run it per security.
 */
export function wilderSmoothing(x: pl.Expr, n: number): pl.Expr {
  const count = x.cumCount();
  const seeded = pl
    .when(count.lt(n)).then(pl.lit(null).cast(pl.Float64))
    // cumSum is null on a null row, so a null right after the seed stays null.
    .when(count.eq(n)).then(x.cumSum().div(n))
    .otherwise(x);
  return seeded.ewmMean({ alpha: 1 / n, adjust: false, minPeriods: 1, ignoreNulls: true });
}
