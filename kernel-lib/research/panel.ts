import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dayToIso, toSecurityArrays, type SecurityArrays } from '../kernels/bridge';

/**
 * The prices factor research reads, moved out of polars once: closes grouped by security (for
 * forward returns by position within each security's rows) and a dense date-major layout
 * (cell (t, i) at t * N + i) for the per-date cross-sections. Definitions: docs/research.md.
 */
export interface ResearchPanel {
  /** Every date of the panel, ascending: days since 1970-01-01, or ms since the epoch for intraday bars. */
  calendar: Int32Array | Float64Array;
  timeUnit: 'day' | 'ms';
  securities: string[];
  /** T = calendar.length, N = securities.length. */
  dates: number;
  size: number;
  /** Closes grouped by security (rows of security i at offsets[i]..offsets[i+1]). */
  rows: SecurityArrays;
  /** Dense cell of each row. */
  cellOfRow: Int32Array;
  /** Dense closes, NaN where the security has no row. */
  close: Float64Array;
  /** 1 where the security has a row on that date. */
  present: Uint8Array;
  /** Position of the cell's row within its security's rows (0, 1, 2, ...), -1 where there is no row. */
  position: Int32Array;
  /** Calendar index of every row (rows grouped by security, as in `rows`). */
  dateOfRow: Int32Array;
  /** Securities left out by `fullHistoryOnly` (absent on some date). */
  excludedSecurities: string[];
}

export interface ResearchPanelOptions {
  /** Keep only securities with a row on every date of the panel. */
  fullHistoryOnly?: boolean;
}

export async function researchPanel(prices: pl.DataFrame | pl.LazyFrame, options: ResearchPanelOptions = {}): Promise<ResearchPanel> {
  const lazy = 'collectSync' in prices ? (prices as pl.LazyFrame) : (prices as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  for (const c of ['date', 'security_id', 'close']) {
    if (!(c in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `price panel has no '${c}' column (columns: ${Object.keys(schema).join(', ')})`, 'pass a panel with date, security_id and close (e.g. snapshot.prices())');
    }
  }
  let frame = lazy.select('security_id', 'date', 'close');
  let excludedSecurities: string[] = [];
  if (options.fullHistoryOnly) {
    const counts = await frame
      .groupBy('security_id')
      .agg(pl.col('date').nUnique().alias('n'))
      .join(frame.select(pl.col('date').nUnique().alias('T')), { how: 'cross' })
      .collect();
    const ids = counts.getColumn('security_id').cast(pl.Utf8).toArray() as string[];
    const n = counts.getColumn('n').cast(pl.Float64).toTypedArray() as Float64Array;
    const total = counts.getColumn('T').cast(pl.Float64).toTypedArray() as Float64Array;
    excludedSecurities = ids.filter((_, j) => n[j] !== total[j]).sort();
    if (excludedSecurities.length) frame = frame.filter(pl.col('security_id').cast(pl.Utf8).isIn(excludedSecurities).not());
  }
  const rows = await toSecurityArrays(frame, { columns: ['close'] });
  const N = rows.securities.length;
  if (N === 0) {
    throw new QuantbookError('EMPTY_PANEL', 'the price panel has no rows' + (excludedSecurities.length ? ` after --full-history-only left out all ${excludedSecurities.length} securities` : ''), 'check the snapshot or drop --full-history-only');
  }
  const calendar = distinctSorted(rows.time);
  const T = calendar.length;
  const indexOf = timeIndex(calendar, rows.timeUnit);
  const cellOfRow = new Int32Array(rows.rowCount);
  // what the research pass reads is on SharedArrayBuffers: worker threads use it without a copy
  const dateOfRow = new Int32Array(new SharedArrayBuffer(4 * rows.rowCount));
  const close = new Float64Array(new SharedArrayBuffer(8 * T * N)).fill(NaN);
  const present = new Uint8Array(T * N);
  const position = new Int32Array(new SharedArrayBuffer(4 * T * N)).fill(-1);
  const closes = rows.columns.close;
  for (let i = 0; i < N; i++) {
    let previous = -1;
    for (let r = rows.offsets[i]; r < rows.offsets[i + 1]; r++) {
      const t = indexOf(rows.time[r]);
      if (t === previous) {
        throw new QuantbookError(
          'DUPLICATE_ROW',
          `price panel has two rows for security '${rows.securities[i]}' on ${formatTime(rows.time[r], rows.timeUnit)}`,
          'keep one bar per security and date (snapshots guarantee this; check the file you loaded)',
        );
      }
      previous = t;
      const cell = t * N + i;
      cellOfRow[r] = cell;
      dateOfRow[r] = t;
      close[cell] = closes[r];
      present[cell] = 1;
      position[cell] = r - rows.offsets[i];
    }
  }
  return { calendar, timeUnit: rows.timeUnit, securities: rows.securities, dates: T, size: N, rows, cellOfRow, dateOfRow, close, present, position, excludedSecurities };
}

/** ISO date (or timestamp) of calendar entry t. */
export function panelDate(panel: Pick<ResearchPanel, 'calendar' | 'timeUnit'>, t: number): string {
  return formatTime(panel.calendar[t], panel.timeUnit);
}

export function formatTime(value: number, unit: 'day' | 'ms'): string {
  return unit === 'day' ? dayToIso(value) : new Date(value).toISOString().replace('.000Z', 'Z');
}

/** The calendar as a polars Series (pl.Date, or Datetime('ms') for intraday). */
export function calendarSeries(panel: Pick<ResearchPanel, 'calendar' | 'timeUnit'>, name = 'date'): pl.Series {
  return panel.timeUnit === 'day'
    ? pl.Series(name, panel.calendar as Int32Array).cast(pl.Date)
    : pl.Series(name, panel.calendar as Float64Array).cast(pl.Int64).cast(pl.Datetime('ms'));
}

/** A function from a time value to its calendar index (-1 when not on the calendar). */
export function timeIndex(calendar: Int32Array | Float64Array, unit: 'day' | 'ms'): (time: number) => number {
  const T = calendar.length;
  if (T === 0) return () => -1;
  if (unit === 'day') {
    const day0 = calendar[0];
    const lookup = new Int32Array(calendar[T - 1] - day0 + 1).fill(-1);
    for (let t = 0; t < T; t++) lookup[calendar[t] - day0] = t;
    return (day) => (day >= day0 && day - day0 < lookup.length ? lookup[day - day0] : -1);
  }
  const map = new Map<number, number>();
  for (let t = 0; t < T; t++) map.set(calendar[t], t);
  return (ms) => map.get(ms) ?? -1;
}

function distinctSorted(time: Int32Array | Float64Array): Int32Array | Float64Array {
  if (time.length === 0) return time.slice(0, 0);
  if (time instanceof Int32Array) {
    let lo = time[0];
    let hi = time[0];
    for (let r = 1; r < time.length; r++) {
      const d = time[r];
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    const seen = new Uint8Array(hi - lo + 1);
    for (let r = 0; r < time.length; r++) seen[time[r] - lo] = 1;
    let T = 0;
    for (let d = 0; d < seen.length; d++) T += seen[d];
    const out = new Int32Array(T);
    for (let d = 0, t = 0; d < seen.length; d++) if (seen[d]) out[t++] = lo + d;
    return out;
  }
  const sorted = Float64Array.from(new Set(time)).sort();
  return sorted;
}
