import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { timeIndex, type ResearchPanel } from './panel';

/**
 * A signal on the research panel: a dense date-major matrix whose cell (t, i) holds the value
 * a researcher could act on at date t's close (docs/research.md, "Timing"), NaN where none.
 */
export interface SignalCells {
  name: string;
  values: Float64Array;
  /** Rows of the input table (0 for a matrix given directly). */
  input_rows: number;
  /** Input rows that never reached a price row, by reason (contract drop reasons plus the placement reasons below). */
  dropped: Record<string, number>;
}

/**
 * Places an aligned signal (security_id, date = the bar it is used at, signal) on the panel.
 * Counted, never silently dropped: `not_in_panel` (security not in the research panel, e.g.
 * left out by fullHistoryOnly), `off_calendar` (date not a panel date), `no_price_row` (the
 * security has no bar that date), `non_finite` (signal null/NaN/inf) and `duplicate` (a second
 * row for the same security and date; the table must have one).
 */
export async function placeAlignedSignal(aligned: pl.DataFrame | pl.LazyFrame, panel: ResearchPanel, name: string): Promise<{ values: Float64Array; placed: number; dropped: Record<string, number> }> {
  const lazy = 'collectSync' in aligned ? (aligned as pl.LazyFrame) : (aligned as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  for (const c of ['security_id', 'date', 'signal']) {
    if (!(c in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `aligned signal '${name}' has no '${c}' column (columns: ${Object.keys(schema).join(', ')})`, 'pass the frame returned by alignSignal()');
    }
  }
  const time = panel.timeUnit === 'day' ? pl.col('date').cast(pl.Date).cast(pl.Int32).cast(pl.Float64) : pl.col('date').cast(pl.Datetime('ms')).cast(pl.Int64).cast(pl.Float64);
  const df = await lazy
    .select(pl.col('security_id').cast(pl.Utf8), time.fillNull(pl.lit(NaN)).alias('__t'), pl.col('signal').cast(pl.Float64).fillNull(pl.lit(NaN)))
    .collect();
  const codes = await securityCodes(df.getColumn('security_id'), panel.securities);
  const times = df.getColumn('__t').toTypedArray() as Float64Array;
  const signal = df.getColumn('signal').toTypedArray() as Float64Array;
  const dateOf = timeIndex(panel.calendar, panel.timeUnit);
  const N = panel.size;
  // on a SharedArrayBuffer: worker threads read it without a copy
  const values = new Float64Array(new SharedArrayBuffer(8 * panel.dates * N)).fill(NaN);
  const seen = new Uint8Array(panel.dates * N);
  const dropped = { not_in_panel: 0, off_calendar: 0, no_price_row: 0, non_finite: 0, duplicate: 0 };
  let placed = 0;
  for (let r = 0; r < signal.length; r++) {
    const i = codes[r];
    if (i < 0) {
      dropped.not_in_panel++;
      continue;
    }
    const t = times[r] === times[r] ? dateOf(times[r]) : -1;
    if (t < 0) {
      dropped.off_calendar++;
      continue;
    }
    const cell = t * N + i;
    if (!panel.present[cell]) {
      dropped.no_price_row++;
      continue;
    }
    const v = signal[r];
    if (v - v !== 0) {
      dropped.non_finite++;
      continue;
    }
    if (seen[cell]) {
      dropped.duplicate++;
      continue;
    }
    seen[cell] = 1;
    values[cell] = v;
    placed++;
  }
  return { values, placed, dropped };
}

/** Panel index of each id (-1 when not in the panel), through a polars join rather than a JS loop over strings. */
async function securityCodes(ids: pl.Series, securities: string[]): Promise<Int32Array> {
  const dict = pl.DataFrame([pl.Series('security_id', securities, pl.Utf8), pl.Series('__code', Int32Array.from(securities.keys()))]);
  const joined = await pl
    .DataFrame([ids.rename('security_id'), pl.Series('__row', Int32Array.from({ length: ids.length }, (_, r) => r))])
    .lazy()
    .join(dict.lazy(), { on: 'security_id', how: 'left' })
    .sort('__row')
    .select(pl.col('__code').fillNull(-1))
    .collect();
  return joined.getColumn('__code').cast(pl.Int32).toTypedArray() as Int32Array;
}
