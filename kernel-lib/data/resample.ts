import pl from 'nodejs-polars';
import { QuantbookError, requireParam } from '../errors';
import { dtypeName } from './dtype';

export interface ResampleOptions {
  /**
   * When the input bars are stamped: 'close' (default; the panel convention - a bar's time is
   * when its close is known) or 'open' (many FX/crypto exports). With 'open', give
   * `inputEvery` (e.g. '1h'): stamps are moved to the close (t + inputEvery) first.
   */
  inputStamp?: 'close' | 'open';
  inputEvery?: string;
  /** Shifts the window boundaries, e.g. '-7h' for FX days closing at 17:00 New York (22:00 UTC, winter). */
  offset?: string;
}

const DURATION = /^(-?\d+(ns|us|ms|s|m|h|d|w|mo|q|y))+$/;

/**
 * Coarser bars per security: open = first non-empty open, high = max, low = min, close =
 * last non-empty close, volume = sum (empty when the window has no volume), bars = input
 * bars in the window.
 *
 * Windows are aligned to multiples of `every` since 1970-01-01 UTC (plus `offset`).
 * Intraday input: a window is right-closed, (end - every, end], and labelled by its end -
 * the instant the coarser bar closes - so a 4h bar labelled 12:00 holds the bars stamped
 * 08:00 (exclusive) to 12:00 (inclusive), and a '1d' bar labelled 2017-04-20T00:00Z is UTC
 * day 2017-04-19. Daily input (pl.Date: a day's bar closes at that day's end): a window is
 * [start, start + every) and labelled by its last bar's date (e.g. the last trading day of
 * the week or month). Only windows with bars are returned; nothing leaks across securities.
 */
export async function resampleBars(frame: pl.LazyFrame | pl.DataFrame, every: string, options: ResampleOptions = {}): Promise<pl.LazyFrame> {
  requireParam(DURATION.test(every) && !every.startsWith('-'), 'every', `'${every}' is not a duration`, "use e.g. '4h', '1d', '1w', '1mo'");
  if (options.offset !== undefined) requireParam(DURATION.test(options.offset), 'offset', `'${options.offset}' is not a duration`, "use e.g. '-7h'");
  const lf = isLazy(frame) ? frame : frame.lazy();
  const schema = (await lf.limit(0).collect()).schema;
  for (const c of ['date', 'security_id']) {
    if (!(c in schema)) throw new QuantbookError('MISSING_COLUMN', `resampleBars: column '${c}' is missing (columns: ${Object.keys(schema).join(', ')})`, 'pass a panel: date, security_id, open, high, low, close, volume');
  }
  const fields = ['open', 'high', 'low', 'close', 'volume'];
  const filled = lf.withColumns(...fields.filter((f) => !(f in schema)).map((f) => pl.lit(null).cast(pl.Float64).alias(f)));
  const daily = dtypeName(schema.date) === 'Date';
  let sorted = filled.sort(['security_id', 'date']);
  if (options.inputStamp === 'open') {
    const ms = options.inputEvery === undefined ? undefined : fixedDurationMs(options.inputEvery);
    if (ms === undefined || daily) {
      throw new QuantbookError(
        'BAD_PARAMETER',
        daily ? "parameter 'inputStamp': 'open' applies to intraday bars only" : "parameter 'inputEvery' is required with inputStamp 'open' (a fixed length: s, m, h, d or w)",
        "pass the input bar length, e.g. { inputStamp: 'open', inputEvery: '1h' }",
      );
    }
    sorted = sorted.withColumns(pl.col('date').cast(pl.Datetime('ms')).cast(pl.Int64).plus(ms).cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC').alias('date'));
  }
  return aggregate(sorted, every, options, daily);
}

function isLazy(frame: pl.LazyFrame | pl.DataFrame): frame is pl.LazyFrame {
  return 'collectSync' in frame;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function fixedDurationMs(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}

function aggregate(lf: pl.LazyFrame, every: string, options: ResampleOptions, daily: boolean): pl.LazyFrame {
  const aggs = [
    pl.col('open').dropNulls().first().alias('open'),
    pl.col('high').max().alias('high'),
    pl.col('low').min().alias('low'),
    pl.col('close').dropNulls().last().alias('close'),
    pl.when(pl.col('volume').count().eq(0)).then(pl.lit(null).cast(pl.Float64)).otherwise(pl.col('volume').sum()).alias('volume'),
    pl.len().cast(pl.Int32).alias('bars'),
  ];
  const window = {
    indexColumn: 'date',
    every,
    offset: options.offset,
    by: 'security_id',
    startBy: 'window' as const,
  };
  if (daily) {
    return lf
      .groupByDynamic({ ...window, closed: 'left', label: 'left' })
      .agg(pl.col('date').max().alias('__last'), ...aggs)
      .select(pl.col('__last').alias('date'), pl.col('security_id'), pl.col('open'), pl.col('high'), pl.col('low'), pl.col('close'), pl.col('volume'), pl.col('bars'))
      .sort(['security_id', 'date']);
  }
  return lf
    .groupByDynamic({ ...window, closed: 'right', label: 'right' })
    .agg(...aggs)
    .select('date', 'security_id', 'open', 'high', 'low', 'close', 'volume', 'bars')
    .sort(['security_id', 'date']);
}
