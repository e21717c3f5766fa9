import pl from 'nodejs-polars';
import { QuantbookError } from '../../errors';

/**
 * A signal-contract table (security_id, date_sig, date_avail, signal, signal_name) from an
 * expression over each security's closes, with date_sig = date_avail = the bar's date: the
 * value uses closes up to and including that bar, so it is known at that bar's close. Rows
 * where the expression is not finite (too little history, a non-positive close) are left out.
 * `shift(n).over('security_id')` counts positions within each security's own rows.
 */
export async function priceRatioSignal(prices: pl.DataFrame | pl.LazyFrame, name: string, expression: pl.Expr): Promise<pl.DataFrame> {
  const lazy = 'collectSync' in prices ? (prices as pl.LazyFrame) : (prices as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  for (const c of ['date', 'security_id', 'close']) {
    if (!(c in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `signal '${name}' needs a '${c}' column in the prices (columns: ${Object.keys(schema).join(', ')})`, 'pass a price panel with date, security_id and close');
    }
  }
  return lazy
    .select(pl.col('security_id').cast(pl.Utf8), pl.col('date'), pl.col('close').cast(pl.Float64))
    .sort(['security_id', 'date'])
    .select(
      pl.col('security_id'),
      pl.col('date').alias('date_sig'),
      pl.col('date').alias('date_avail'),
      expression.alias('signal'),
      pl.lit(name).alias('signal_name'),
    )
    .filter(pl.col('signal').isNotNull().and(pl.col('signal').isFinite()))
    .collect();
}

/** close `bars` rows earlier within the same security (null before the first row; non-positive closes become null). */
export function lagClose(bars: number): pl.Expr {
  const positive = pl.when(pl.col('close').gt(0)).then(pl.col('close')).otherwise(pl.lit(null));
  return bars === 0 ? positive : positive.shift(bars).over('security_id');
}
