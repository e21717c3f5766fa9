import pl from 'nodejs-polars';
import { QuantbookError, requireParam } from '../errors';
import { ROW_INDEX } from './columns';
import { classifyRows, type Alignment } from './classify';
import { calendarRange, isDataFrame, resolveContext, type ContractContext, type ResolvedContext, type SnapshotLike } from './context';
import { DROP_REASONS, reasonCode, type DropReason } from './rules';
import { keptRowsInPanelOrder } from './row-kernel';
import { signalKeys, type SignalKeys } from './signal-keys';

export interface AlignOptions {
  /**
   * Extra bars to wait after the first bar strictly after date_avail. 0 (default): trade on
   * the first bar after the value is known; 1: one bar later (e.g. to model a day's delay).
   */
  lag?: number;
  /** Price bars (security_id, date), when the calendar argument is a plain calendar frame. */
  prices?: pl.DataFrame | pl.LazyDataFrame;
  /** Known security ids, when there are no prices. */
  securities?: string[];
  /**
   * The context already resolved (resolveContext), for several alignments on the same data:
   * used instead of the calendar / snapshot / prices / securities arguments.
   */
  context?: ResolvedContext;
}

export interface AlignedSignal {
  /**
   * One row per (security_id, date): security_id, date_sig, date_avail, `date` (the trade
   * date: the bar on which the value may first be acted upon), signal, and the optional
   * label columns present in the input. Sorted by security_id, then date.
   */
  frame: pl.DataFrame;
  /**
   * Every input row that did not make it, with `row` (1-based input row), security_id,
   * date_sig, date_avail, signal and `reason` (one of DROP_REASONS: the first that applies).
   */
  dropped: pl.DataFrame;
  counts: {
    input: number;
    kept: number;
    dropped: number;
    /** Dropped rows per reason; the values add up to `dropped`. */
    byReason: Record<DropReason, number>;
  };
  lag: number;
  calendar: { first: string; last: string; bars: number };
}

/**
 * Maps each signal row to the bar on which it may first be traded, without lookahead:
 *
 *   date_sig --(producer's delay)--> date_avail --(first calendar bar strictly after)--> + lag bars = date
 *
 * A value available on day d is never traded on d itself, because a daily date_avail does not
 * say at what hour it arrived. Rows that cannot be traded are dropped and accounted for, each
 * with one reason (docs/contract.md). When two rows of a security reach the same trade date,
 * the later-available one wins (the earlier is `superseded`).
 */
export async function alignSignal(
  signal: pl.DataFrame | pl.LazyDataFrame | SignalKeys,
  calendarOrSnapshot: pl.DataFrame | SnapshotLike,
  options: AlignOptions = {},
): Promise<AlignedSignal> {
  const { keys, alignment, lag, calendar } = await alignRows(signal, calendarOrSnapshot, options);
  const prepared = keys.prepared;
  const signalFrame = prepared.frame!;
  const annotated = signalFrame.withColumns(pl.Series('__reason', alignment.reason), pl.Series('__trade_day', alignment.tradeDay));
  const sorted = keptRowsInPanelOrder(alignment.arrays.code, alignment.arrays.names, alignment.tradeDay, alignment.reason);
  const kept = annotated.lazy()
    .filter(pl.col('__reason').eq(0))
    .select(
      pl.col('security_id'),
      pl.col('date_sig'),
      pl.col('date_avail'),
      pl.col('__trade_day').cast(pl.Date).alias('date'),
      pl.col('signal'),
      ...prepared.optional.map((c) => pl.col(c)),
    );
  // Most signals arrive sorted by security and date: a 15M-row sort is then skipped.
  const frame = await (sorted ? kept : kept.sort(['security_id', 'date'])).collect();
  const reasonNames = pl.DataFrame([
    pl.Series('__reason', DROP_REASONS.map((r) => reasonCode(r)), pl.UInt8),
    pl.Series('reason', [...DROP_REASONS], pl.Utf8),
  ]);
  const dropped = await annotated.lazy()
    .withRowIndex(ROW_INDEX, 1)
    .filter(pl.col('__reason').neq(0))
    .join(reasonNames.lazy(), { on: '__reason', how: 'left' })
    .select(
      pl.col(ROW_INDEX).cast(pl.Int64).alias('row'),
      pl.col('security_id'),
      pl.col('date_sig'),
      pl.col('date_avail'),
      pl.col('signal'),
      pl.col('reason'),
    )
    .sort('row')
    .collect();
  const byReason = alignment.reasonCounts;

  return {
    frame,
    dropped,
    counts: { input: prepared.rows, kept: frame.height, dropped: dropped.height, byReason: { ...byReason } },
    lag,
    calendar,
  };
}

/** alignRows' answer: the alignment as typed arrays, with what it was made from. */
export interface AlignedRows {
  keys: SignalKeys;
  /** Per input row: trade day and drop reason (0 = kept); counts by reason. */
  alignment: Alignment;
  lag: number;
  calendar: { first: string; last: string; bars: number };
}

/**
 * alignSignal without its frames: each row's trade day and drop reason as typed arrays (same
 * rules, same counts), for callers that place the kept rows themselves, such as the dense
 * matrices of the cross-sectional backtest. Throws as alignSignal does.
 */
export async function alignRows(
  signal: pl.DataFrame | pl.LazyDataFrame | SignalKeys,
  calendarOrSnapshot: pl.DataFrame | SnapshotLike,
  options: AlignOptions = {},
): Promise<AlignedRows> {
  const lag = options.lag ?? 0;
  requireParam(Number.isInteger(lag) && lag >= 0, 'lag', `must be a whole number of bars >= 0, got ${lag}`, 'lag 0 trades on the first bar after date_avail, lag 1 one bar later');
  const context: ContractContext =
    isDataFrame(calendarOrSnapshot)
      ? { calendar: calendarOrSnapshot, prices: options.prices, securities: options.securities }
      : { snapshot: calendarOrSnapshot, prices: options.prices, securities: options.securities };

  const keys = await signalKeys(signal);
  if (!keys.prepared.frame || !keys.arrays) {
    const problem = keys.prepared.problems.find((p) => p.severity === 'error')!;
    throw new QuantbookError(`SIGNAL_${problem.rule.toUpperCase()}`, `cannot align the signal: ${problem.message}`, problem.fix);
  }
  const resolved = options.context ?? (await resolveContext(context));
  const range = calendarRange(resolved.calendar);
  if (!range) throw new QuantbookError('EMPTY_CALENDAR', 'cannot align the signal: the calendar holds no dates', 'pass a calendar frame with a date column, or a snapshot');

  // todayDay/staleAfterDays only feed validation flags, which alignment ignores.
  const alignment = await classifyRows(keys.arrays, resolved, { lag, todayDay: 2 ** 30, staleAfterDays: Infinity });
  return { keys, alignment, lag, calendar: range };
}
