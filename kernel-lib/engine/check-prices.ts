import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from '../data/dtype';
import { describeRow, inFile } from '../data/row-reference';

export interface PriceCheckOptions {
  /** Price columns that must be finite and > 0 (e.g. ['close'], plus 'open' for next-open fills). */
  prices: string[];
  /** Other columns the strategy reads, which must exist. */
  columns?: string[];
  /** The file the frame came from, for messages. */
  file?: string;
}

/**
 * Refuses a price panel the engine cannot trade honestly, naming the first offending row
 * (1-based, in the frame's own row order, before any sorting):
 * - missing `security_id` / `date` / price columns, or a `date` that is not Date/Datetime;
 * - timestamps that repeat (DUPLICATE_TIMESTAMP) or go backwards (UNSORTED_TIMESTAMPS) within
 *   a security - sorting silently could hide a corrupted file;
 * - a null, NaN, infinite, zero or negative price (BAD_PRICE): a return through it is undefined.
 */
export async function checkTradablePrices(frame: pl.DataFrame | pl.LazyDataFrame, options: PriceCheckOptions): Promise<{ rows: number }> {
  const lazy = 'collectSync' in frame ? (frame as pl.LazyDataFrame) : (frame as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  const where = inFile(options.file);
  for (const name of ['security_id', 'date', ...options.prices, ...(options.columns ?? [])]) {
    if (!(name in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `column '${name}' is missing${where} (columns: ${Object.keys(schema).join(', ')})`, `the price panel needs security_id, date and ${[...options.prices, ...(options.columns ?? [])].join(', ')}`);
    }
  }
  const timeType = dtypeName(schema.date);
  if (!timeType.startsWith('Date')) {
    throw new QuantbookError('BAD_DTYPE', `column 'date'${where} has dtype ${timeType}, expected Date or Datetime`, 'parse it first (loadPriceFile and the catalog do this)');
  }
  // The per-security step is one window expression, computed once as a column; every check
  // then reads plain columns.
  const step = pl.col('__step');
  const checks: Array<{ code: string; flag: pl.Expr; what: (column?: string) => string; hint: string; column?: string }> = [
    { code: 'DUPLICATE_TIMESTAMP', flag: step.eq(0), what: () => 'repeats the timestamp of the row before it (same security)', hint: 'remove duplicate bars (keep one row per security and timestamp)' },
    { code: 'UNSORTED_TIMESTAMPS', flag: step.lt(0), what: () => 'has a timestamp earlier than the row before it (same security)', hint: 'sort the bars by security and time before backtesting, after checking why they are out of order' },
    ...options.prices.map((c) => {
      const x = pl.col(c).cast(pl.Float64);
      return {
        code: 'BAD_PRICE',
        column: c,
        flag: x.isNull().or(x.isNan()).or(x.isInfinite()).or(x.ltEq(0)),
        what: (column?: string) => `has a missing, non-finite, zero or negative '${column}' price`,
        hint: 'fix or drop the bar; returns through a zero or missing price are undefined',
      };
    }),
  ];
  const flagged = lazy
    .select(pl.col('security_id'), pl.col('date'), ...options.prices.map((c) => pl.col(c)))
    .withRowIndex('__row', 1)
    .withColumns(pl.col('date').cast(pl.Int64).diff(1, 'ignore').over('security_id').alias('__step'))
    .withColumns(...checks.map((c, i) => c.flag.fillNull(false).alias(`__flag${i}`)));
  const stats = await flagged
    .select(
      pl.len().alias('__rows'),
      ...checks.flatMap((c, i) => {
        const flag = pl.col(`__flag${i}`);
        return [
          flag.sum().alias(`n${i}`),
          pl.col('__row').filter(flag).first().alias(`row${i}`),
          pl.col('security_id').cast(pl.Utf8).filter(flag).first().alias(`sec${i}`),
          pl.col('date').cast(pl.Utf8).filter(flag).first().alias(`date${i}`),
          ...(c.column ? [pl.col(c.column).cast(pl.Utf8).filter(flag).first().alias(`value${i}`)] : []),
        ];
      }),
    )
    .collect();
  const record = stats.toRecords()[0] as Record<string, unknown>;
  const rows = Number(record.__rows);
  if (rows === 0) throw new QuantbookError('EMPTY_DATA', `the price panel${where} has no rows`, 'check the file, the --symbol filter or the date range');
  checks.forEach((c, i) => {
    const count = Number(record[`n${i}`] ?? 0);
    if (count === 0) return;
    const row = Number(record[`row${i}`]);
    const value = c.column ? ` (value ${record[`value${i}`] ?? 'null'})` : '';
    throw new QuantbookError(
      c.code,
      `${describeRow(row, options.file)}${where} (security '${record[`sec${i}`]}', date ${record[`date${i}`]}) ${c.what(c.column)}${value}; ${count} row${count === 1 ? '' : 's'} affected`,
      c.hint,
      { row, count, column: c.column },
    );
  });
  return { rows };
}
