import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from '../data/dtype';

/**
 * Long rows (security_id, date, numeric columns) out of polars for scattering into dense
 * date-major matrices: each row gets a security code (its position in `securities`) and a
 * day number, by a hash join on a small dictionary. No sort of the long frame is needed
 * (the cell of a row is fully given by its code and day), which keeps a 15M-row panel cheap.
 */
export interface CellRows {
  securities: string[];
  /** Security code per row; -1 when the id is not in `securities`. */
  code: Int32Array;
  /** Days since 1970-01-01 per row. */
  day: Int32Array;
  /** Float64 columns; nulls become NaN. */
  columns: Record<string, Float64Array>;
  rows: number;
}

export async function cellRows(frame: pl.LazyFrame, columns: string[], what: string, securities?: string[]): Promise<CellRows> {
  const schema = (await frame.limit(0).collect()).schema;
  for (const c of ['security_id', 'date', ...columns]) {
    if (!(c in schema)) throw new QuantbookError('MISSING_COLUMN', `${what} has no '${c}' column (columns: ${Object.keys(schema).join(', ')})`, `add a '${c}' column`);
  }
  const dateType = dtypeName(schema.date);
  if (dateType !== 'Date') {
    throw new QuantbookError(
      'BAD_DTYPE',
      `${what}: column 'date' has dtype ${dateType}; the cross-sectional backtest needs daily dates (pl.Date)`,
      dateType.startsWith('Datetime') ? 'resample intraday bars to daily bars first' : "parse the dates first, e.g. pl.col('date').str.strptime(pl.Date, '%Y-%m-%d')",
    );
  }
  // One collect of the source (a snapshot's scan sorts on every collect); the rest runs in memory.
  const base = await frame
    .select(pl.col('security_id').cast(pl.Utf8), pl.col('date').cast(pl.Int32).fillNull(pl.lit(NO_DAY)).alias('__day'), ...columns.map((c) => pl.col(c).cast(pl.Float64).fillNull(pl.lit(NaN)).alias(c)))
    .collect();
  // Rows of one security usually come together (panels and aligned signals are sorted by
  // security): number the runs of equal ids and look each run's id up once. Every distinct id
  // starts at least one run, so the run starts also give the id list.
  const newRun = pl.col('security_id').neq(pl.col('security_id').shift(1)).fillNull(true);
  const starts = (await base.lazy().select(pl.col('security_id').filter(newRun)).collect()).getColumn('security_id').toArray() as (string | null)[];
  const ids = securities ?? [...new Set(starts.filter((s): s is string => s !== null))].sort();
  const out: Record<string, Float64Array> = {};
  for (const c of columns) out[c] = base.getColumn(c).toTypedArray() as Float64Array;
  const day = base.getColumn('__day').toTypedArray() as Int32Array;
  let code: Int32Array;
  if (starts.length <= MAX_RUNS) {
    const index = new Map(ids.map((s, i) => [s, i]));
    const runCode = Int32Array.from(starts, (s) => (s === null ? -1 : index.get(s) ?? -1));
    const run = (await base.lazy().select(newRun.cast(pl.Int32).cumSum().alias('__run')).collect()).getColumn('__run').toTypedArray() as Int32Array;
    code = new Int32Array(base.height);
    for (let r = 0; r < run.length; r++) code[r] = runCode[run[r] - 1];
  } else {
    const dict = pl.DataFrame([pl.Series('security_id', ids, pl.Utf8), pl.Series('__code', Int32Array.from(ids.keys()))]);
    const joined = await base.lazy().select('security_id').join(dict.lazy(), { on: 'security_id', how: 'left' }).select(pl.col('__code').fillNull(-1).cast(pl.Int32)).collect();
    code = joined.getColumn('__code').toTypedArray() as Int32Array;
  }
  return { securities: ids, code, day, columns: out, rows: base.height };
}

/** Above this many runs of equal ids (an unsorted frame) the codes come from a hash join instead. */
const MAX_RUNS = 200_000;
const NO_DAY = -2147483648;

/** Calendar row of a day: index[day - day0] (-1 when the day is not on the calendar). */
export function dayIndex(calendar: Int32Array): { day0: number; index: Int32Array } {
  const T = calendar.length;
  const day0 = calendar[0];
  const index = new Int32Array(T ? calendar[T - 1] - day0 + 1 : 0).fill(-1);
  for (let t = 0; t < T; t++) index[calendar[t] - day0] = t;
  return { day0, index };
}

/**
 * Writes column values into a dense date-major matrix (cell = t * N + code); rows whose
 * security is unknown (code -1) or whose day is off the calendar are skipped and counted.
 */
export function scatter(rows: CellRows, values: Float64Array, calendar: { day0: number; index: Int32Array }, N: number, out: Float64Array): { unknownSecurity: number; offCalendar: number } {
  const { code, day } = rows;
  const { day0, index } = calendar;
  const span = index.length;
  let unknownSecurity = 0;
  let offCalendar = 0;
  for (let r = 0; r < rows.rows; r++) {
    const g = code[r];
    if (g < 0) {
      unknownSecurity++;
      continue;
    }
    const d = day[r] - day0;
    const t = d >= 0 && d < span ? index[d] : -1;
    if (t < 0) {
      offCalendar++;
      continue;
    }
    out[t * N + g] = values[r];
  }
  return { unknownSecurity, offCalendar };
}

/**
 * 1 per (date, security) cell that has a row, when every row has an id and a day on the
 * calendar and no two rows share a cell; null as soon as one does not.
 */
export function uniqueRowCells(rows: CellRows, calendar: { day0: number; index: Int32Array }, N: number): Uint8Array | null {
  const { code, day } = rows;
  const { day0, index } = calendar;
  const span = index.length;
  // shared memory: the suite's workers read it
  const cells = new Uint8Array(new SharedArrayBuffer((span === 0 ? 0 : index[span - 1] + 1) * N));
  for (let r = 0; r < rows.rows; r++) {
    const g = code[r];
    const d = day[r] - day0;
    const t = d >= 0 && d < span ? index[d] : -1;
    if (g < 0 || t < 0) return null;
    const cell = t * N + g;
    if (cells[cell]) return null;
    cells[cell] = 1;
  }
  return cells;
}

/** The distinct days of `day`, ascending (a bitmap over the day range: no sort of the rows). */
export function distinctDays(day: Int32Array): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < day.length; r++) {
    const d = day[r];
    if (d === NO_DAY) continue;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  if (lo > hi) return new Int32Array(0);
  const seen = new Uint8Array(hi - lo + 1);
  for (let r = 0; r < day.length; r++) if (day[r] !== NO_DAY) seen[day[r] - lo] = 1;
  const days: number[] = [];
  for (let d = 0; d < seen.length; d++) if (seen[d]) days.push(lo + d);
  return Int32Array.from(days);
}
