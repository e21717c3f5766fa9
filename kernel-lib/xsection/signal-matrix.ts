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
  const seen = new Uint8Array(T * N);
  let placed = 0;
  for (let r = 0; r < rows.rows; r++) {
    const g = code[r];
    if (g < 0) {
      dropped.unknown_security++;
      continue;
    }
    const d = day[r] - day0;
    const t = d >= 0 && d < index.length ? index[d] : -1;
    if (t < 0) {
      dropped.off_calendar++;
      continue;
    }
    const s = signal[r];
    if (!(s - s === 0)) {
      dropped.non_finite++;
      continue;
    }
    const cell = t * N + g;
    if (seen[cell]) {
      // alignSignal keeps one row per (security, trade date); a second one here is counted and replaces the first
      dropped.duplicate_trade_date++;
      placed--;
    }
    seen[cell] = 1;
    values[cell] = s;
    placed++;
  }
  return { values, placed, dropped };
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
  const span = index.length;
  const { code, signal } = arrays;
  const n = arrays.rows;
  let placed = 0;
  for (let r = 0; r < n; r++) {
    if (reason[r] !== 0) continue;
    // kept rows have an id (null ids are dropped by the contract)
    const g = panelCode[code[r]];
    if (g < 0) {
      dropped.unknown_security++;
      continue;
    }
    const d = tradeDay[r] - day0;
    const t = d >= 0 && d < span ? index[d] : -1;
    if (t < 0) {
      dropped.off_calendar++;
      continue;
    }
    const s = signal[r];
    if (!(s - s === 0)) {
      dropped.non_finite++;
      continue;
    }
    const cell = t * N + g;
    // placed values are finite, so a non-NaN cell was placed before
    if (values[cell] === values[cell]) {
      dropped.duplicate_trade_date++;
      placed--;
    }
    values[cell] = s;
    placed++;
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
