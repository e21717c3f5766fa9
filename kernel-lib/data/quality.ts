import pl from 'nodejs-polars';
import { dtypeName } from './dtype';
import type { Quality } from './manifest';
import { formatTime, type InvalidAction, type InvalidBarCounts } from './validate-prices';

export type { Quality };

/** How many examples each list keeps. */
const TOP = 10;

/**
 * The data-quality section of a snapshot manifest. Definitions (docs/data.md):
 * - calendar: the union of all dates (or timestamps) present in the snapshot;
 * - a security's expected bars: the calendar dates from its first to its last bar; its
 *   missing bars (gaps) are the expected ones it has no row for;
 * - late start / early end: first bar after the calendar's first date / last bar before its last;
 * - one-day move: close / previous close of the same security - 1, between consecutive bars
 *   (across a gap it spans the gap); the largest are ranked by absolute size.
 */
export async function computeQuality(
  prices: pl.DataFrame,
  checks: { exact_duplicate_rows_dropped: number; invalid_bars: InvalidBarCounts; invalid_action: InvalidAction },
): Promise<Quality> {
  const lf = prices.lazy();
  const intraday = dtypeName(prices.schema.date) !== 'Date';
  const time = (v: unknown) => formatTime(v, intraday);
  const fields = prices.columns.filter((c) => c !== 'date' && c !== 'security_id');
  const [nulls, calendar, spans, moves] = await Promise.all([
    lf.select(
      ...fields.map((c) => pl.col(c).nullCount().cast(pl.Float64).alias(c)),
      pl.sumHorizontal(['open', 'high', 'low', 'close'].filter((c) => fields.includes(c)).map((c) => pl.col(c).ltEq(0).fillNull(false).cast(pl.Int64))).sum().cast(pl.Float64).alias('__non_positive'),
    ).collect(),
    lf.select(pl.col('date').unique().sort()).withRowIndex('i').collect(),
    lf.groupBy('security_id').agg(pl.col('date').min().alias('first'), pl.col('date').max().alias('last'), pl.len().alias('bars')).collect(),
    lf.select(
      pl.col('security_id'),
      pl.col('date'),
      pl.col('date').shift(1).over('security_id').alias('previous_date'),
      pl.col('close').shift(1).over('security_id').alias('previous_close'),
      pl.col('close'),
    )
      .withColumns(pl.col('close').div(pl.col('previous_close')).minus(1).alias('return'))
      .filter(pl.col('return').isNotNull().and(pl.col('return').isFinite()))
      .sort(pl.col('return').abs(), true)
      .head(TOP)
      .collect(),
  ]);
  const firstDate = calendar.height ? calendar.getColumn('date').head(1).toArray()[0] : null;
  const lastDate = calendar.height ? calendar.getColumn('date').tail(1).toArray()[0] : null;
  const withIndex = await spans.lazy()
    .join(calendar.lazy().rename({ date: 'first', i: 'i_first' }), { on: 'first', how: 'left' })
    .join(calendar.lazy().rename({ date: 'last', i: 'i_last' }), { on: 'last', how: 'left' })
    .withColumns(pl.col('i_last').minus(pl.col('i_first')).plus(1).minus(pl.col('bars')).cast(pl.Int64).alias('missing_bars'))
    .sort(['missing_bars', 'security_id'], [true, false])
    .collect();
  const records = withIndex.toRecords() as unknown as { security_id: string; first: Date; last: Date; bars: number; missing_bars: number }[];
  const late = records.filter((r) => firstDate && r.first.getTime() > (firstDate as unknown as Date).getTime()).sort((a, b) => b.first.getTime() - a.first.getTime() || a.security_id.localeCompare(b.security_id));
  const early = records.filter((r) => lastDate && r.last.getTime() < (lastDate as unknown as Date).getTime()).sort((a, b) => a.last.getTime() - b.last.getTime() || a.security_id.localeCompare(b.security_id));
  const gapped = records.filter((r) => Number(r.missing_bars) > 0);

  return {
    exact_duplicate_rows_dropped: checks.exact_duplicate_rows_dropped,
    invalid_bars: checks.invalid_bars,
    invalid_action: checks.invalid_action,
    missing_values: Object.fromEntries(fields.map((c) => [c, Number(nulls.getColumn(c).get(0))])),
    non_positive_prices: Number(nulls.getColumn('__non_positive').get(0)),
    calendar: { dates: calendar.height, first: time(firstDate), last: time(lastDate) },
    coverage: {
      full_span: records.length - new Set([...late, ...early].map((r) => r.security_id)).size,
      complete: records.filter((r) => Number(r.missing_bars) === 0 && !late.includes(r) && !early.includes(r)).length,
      late_start: late.length,
      early_end: early.length,
      late_start_examples: late.slice(0, TOP).map((r) => ({ security_id: r.security_id, first: time(r.first) })),
      early_end_examples: early.slice(0, TOP).map((r) => ({ security_id: r.security_id, last: time(r.last) })),
    },
    gaps: {
      securities_with_gaps: gapped.length,
      missing_bars: gapped.reduce((n, r) => n + Number(r.missing_bars), 0),
      worst: gapped.slice(0, TOP).map((r) => ({ security_id: r.security_id, missing_bars: Number(r.missing_bars), bars: Number(r.bars), first: time(r.first), last: time(r.last) })),
    },
    largest_moves: (moves.toRecords() as Record<string, unknown>[]).map((r) => ({
      security_id: String(r.security_id),
      date: time(r.date),
      previous_date: time(r.previous_date),
      return: Number(r.return),
      previous_close: Number(r.previous_close),
      close: Number(r.close),
    })),
  };
}
