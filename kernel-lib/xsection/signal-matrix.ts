import pl from 'nodejs-polars';
import type { Alignment } from '../contract/classify';
import { cellRows, dayIndex } from './dense-cells';
import { sharedFloat64, type XsPanel } from './panel';

/**
 * An aligned signal (security_id, date = trade date, signal) scattered into a dense
 * date-major matrix matching the panel. Rows the panel cannot place are counted by reason,
 * never dropped silently.
 */
export interface SignalMatrix {
  values: Float64Array;
  /** Aligned rows placed into the matrix. */
  placed: number;
  dropped: {
    /** security_id not in the price panel. */
    unknown_security: number;
    /** trade date not on the panel's calendar. */
    off_calendar: number;
    /** a second aligned row for the same (security, trade date) (alignSignal never gives one): the later row wins. */
    duplicate_trade_date: number;
    /** signal null or not finite after alignment. */
    non_finite: number;
  };
}

export async function signalMatrix(aligned: pl.DataFrame | pl.LazyFrame, panel: Pick<XsPanel, 'calendar' | 'securities'>, column = 'signal'): Promise<SignalMatrix> {
  const lazy = 'collectSync' in aligned ? (aligned as pl.LazyFrame) : (aligned as pl.DataFrame).lazy();
  const rows = await cellRows(lazy.select(pl.col('security_id'), pl.col('date'), pl.col(column).alias('__signal')), ['__signal'], 'aligned signal', panel.securities);
  const T = panel.calendar.length;
  const N = panel.securities.length;
  const values = sharedFloat64(T * N).fill(NaN);
  const dropped = { unknown_security: 0, off_calendar: 0, duplicate_trade_date: 0, non_finite: 0 };
  const { day0, index } = dayIndex(panel.calendar);
  const { code, day } = rows;
  const signal = rows.columns.__signal;
  let placed = 0;
  for (let r = 0; r < rows.rows; r++) placed += placeRow(values, N, day0, index, code[r], day[r], signal[r], dropped);
  return { values, placed, dropped };
}

/**
 * Places one aligned row (panel column g, trade day, signal) into `values` (all NaN to begin
 * with), or counts why it cannot be placed. Returns the change in placed rows: 1, or 0 for a
 * dropped row and for a second row of the same cell, which is counted and replaces the first
 * (alignSignal keeps one row per security and trade date).
 */
function placeRow(values: Float64Array, N: number, day0: number, index: Int32Array, g: number, tradeDay: number, s: number, dropped: SignalMatrix['dropped']): number {
  if (g < 0) {
    dropped.unknown_security++;
    return 0;
  }
  const d = tradeDay - day0;
  const t = d >= 0 && d < index.length ? index[d] : -1;
  if (t < 0) {
    dropped.off_calendar++;
    return 0;
  }
  if (!(s - s === 0)) {
    dropped.non_finite++;
    return 0;
  }
  const cell = t * N + g;
  const first = values[cell] !== values[cell]; // placed values are finite: a number here was placed before
  if (!first) dropped.duplicate_trade_date++;
  values[cell] = s;
  return first ? 1 : 0;
}

/**
 * The same matrix straight from the contract's alignment (alignRows / calendarOnlyAlignment):
 * the kept rows (reason 0) placed by security and trade day, with the same drop counts as
 * signalMatrix on alignSignal's frame, but without building that frame (15M rows out of and
 * back into polars). The alignment keeps at most one row per (security, trade date), so the
 * order in which rows are placed does not matter; a duplicate would still be counted.
 */
export function matrixFromAlignment(alignment: Alignment, panel: Pick<XsPanel, 'calendar' | 'securities'>): SignalMatrix {
  const { arrays, tradeDay, reason } = alignment;
  const T = panel.calendar.length;
  const N = panel.securities.length;
  const values = sharedFloat64(T * N).fill(NaN);
  const dropped = { unknown_security: 0, off_calendar: 0, duplicate_trade_date: 0, non_finite: 0 };
  const column = new Map(panel.securities.map((s, i) => [s, i]));
  const panelCode = Int32Array.from(arrays.names, (name) => column.get(name) ?? -1);
  const { day0, index } = dayIndex(panel.calendar);
  const { code, signal } = arrays;
  let placed = 0;
  for (let r = 0; r < arrays.rows; r++) {
    // kept rows have an id (null ids are dropped by the contract)
    if (reason[r] === 0) placed += placeRow(values, N, day0, index, panelCode[code[r]], tradeDay[r], signal[r], dropped);
  }
  return { values, placed, dropped };
}

/**
 * The lag-L matrix as a view of the lag-0 one: the value traded on date t at lag L is the
 * lag-0 value of date t - L (lag counts bars of the same calendar, as alignSignal does).
 * Rows pushed past the calendar's last tradeable date by the lag are reported by
 * `laggedOutRows`.
 */
export function laggedOutRows(matrix: Float64Array, T: number, N: number, lag: number): number {
  let n = 0;
  // Trade dates t + lag > T - 2 have no next date to earn a return on.
  for (let t = Math.max(0, T - 1 - lag); t < T; t++) {
    for (let i = 0; i < N; i++) if (matrix[t * N + i] === matrix[t * N + i]) n++;
  }
  return n;
}
