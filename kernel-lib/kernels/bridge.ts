import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from '../data/dtype';

/**
 * Columns of a long panel moved out of polars once, into contiguous typed arrays grouped by
 * security: rows of security g are [offsets[g], offsets[g+1]), in time order. Every hot loop
 * (indicators with state, IC, quantiles, the engine) runs over this shape.
 */
export interface SecurityArrays {
  securities: string[];
  /** Length securities.length + 1. */
  offsets: Int32Array;
  /** Days since 1970-01-01 for Date columns, milliseconds since the epoch (UTC) for Datetime columns. */
  time: Int32Array | Float64Array;
  timeUnit: 'day' | 'ms';
  /** Numeric columns as Float64; nulls are NaN. */
  columns: Record<string, Float64Array>;
  /** String/categorical columns as codes into `labels` (-1 for null). */
  categories: Record<string, { codes: Int32Array; labels: string[] }>;
  rowCount: number;
}

export interface ToArraysOptions {
  /** Numeric columns to move (cast to Float64). */
  columns: string[];
  /** String columns to move as codes. */
  categories?: string[];
  securityColumn?: string;
  timeColumn?: string;
}

export async function toSecurityArrays(frame: pl.DataFrame | pl.LazyFrame, options: ToArraysOptions): Promise<SecurityArrays> {
  const sec = options.securityColumn ?? 'security_id';
  const timeCol = options.timeColumn ?? 'date';
  const categories = options.categories ?? [];
  const lazy = 'collectSync' in frame ? (frame as pl.LazyFrame) : (frame as pl.DataFrame).lazy();
  const schema = await lazy.limit(0).collect().then((df) => df.schema);
  for (const name of [sec, timeCol, ...options.columns, ...categories]) {
    if (!(name in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `column '${name}' is not in the frame (columns: ${Object.keys(schema).join(', ')})`, `add a '${name}' column or pass its name in the options`);
    }
  }
  const timeType = dtypeName(schema[timeCol]);
  const timeUnit: 'day' | 'ms' = timeType.startsWith('Date') && !timeType.startsWith('Datetime') ? 'day' : 'ms';
  if (!timeType.startsWith('Date')) {
    throw new QuantbookError('BAD_DTYPE', `column '${timeCol}' has dtype ${timeType}, expected Date or Datetime`, `parse it first, e.g. pl.col('${timeCol}').str.strptime(pl.Date, '%Y-%m-%d')`);
  }
  const sorted = lazy
    .select(
      pl.col(sec).cast(pl.Utf8),
      timeUnit === 'day' ? pl.col(timeCol).cast(pl.Int32) : pl.col(timeCol).cast(pl.Datetime('ms')).cast(pl.Int64).cast(pl.Float64),
      ...options.columns.map((c) => pl.col(c).cast(pl.Float64).fillNull(pl.lit(NaN)).fillNan(NaN)),
      ...categories.map((c) => pl.col(c).cast(pl.Utf8)),
    )
    .sort([sec, timeCol]);
  const df = await sorted.collect();
  const counts = await df.lazy().groupBy(sec).agg(pl.len().alias('n')).sort(sec).collect();
  const securities = counts.getColumn(sec).toArray() as string[];
  const n = counts.getColumn('n').cast(pl.Int32).toTypedArray() as Int32Array;
  const offsets = new Int32Array(securities.length + 1);
  for (let g = 0; g < securities.length; g++) offsets[g + 1] = offsets[g] + n[g];

  const columns: Record<string, Float64Array> = {};
  for (const c of options.columns) columns[c] = df.getColumn(c).toTypedArray() as Float64Array;
  const cats: SecurityArrays['categories'] = {};
  for (const c of categories) cats[c] = await toCodes(df, c);
  const time = df.getColumn(timeCol).toTypedArray() as Int32Array | Float64Array;
  return { securities, offsets, time, timeUnit, columns, categories: cats, rowCount: df.height };
}

async function toCodes(df: pl.DataFrame, column: string): Promise<{ codes: Int32Array; labels: string[] }> {
  const dict = await df.lazy().select(pl.col(column).dropNulls().unique().sort()).collect();
  const labels = dict.getColumn(column).toArray() as string[];
  const lookup = pl.DataFrame({ [column]: labels, __code: pl.Series('__code', Int32Array.from(labels.keys())) });
  const coded = await df.lazy().select(pl.col(column)).join(lookup.lazy(), { on: column, how: 'left' })
    .select(pl.col('__code').fillNull(-1)).collect();
  return { codes: coded.getColumn('__code').toTypedArray() as Int32Array, labels };
}

/**
 * A polars frame from security-grouped arrays: security id, time (as pl.Date or
 * Datetime('ms')) and the given Float64 columns (NaN stays NaN; call `fillNan(null)` if nulls
 * are wanted). Columns must have `arrays.rowCount` values, in the arrays' row order.
 */
export function fromSecurityArrays(
  arrays: Pick<SecurityArrays, 'securities' | 'offsets' | 'time' | 'timeUnit'>,
  columns: Record<string, Float64Array>,
  names: { security?: string; time?: string } = {},
): pl.DataFrame {
  const sec = names.security ?? 'security_id';
  const timeCol = names.time ?? 'date';
  const rowCount = arrays.offsets[arrays.offsets.length - 1];
  const codes = new Int32Array(rowCount);
  for (let g = 0; g < arrays.securities.length; g++) codes.fill(g, arrays.offsets[g], arrays.offsets[g + 1]);
  const series: pl.Series[] = [pl.Series('__code', codes)];
  series.push(
    arrays.timeUnit === 'day'
      ? pl.Series(timeCol, arrays.time as Int32Array).cast(pl.Date)
      : pl.Series(timeCol, arrays.time as Float64Array).cast(pl.Int64).cast(pl.Datetime('ms')),
  );
  for (const [name, values] of Object.entries(columns)) {
    if (values.length !== rowCount) {
      throw new QuantbookError('LENGTH_MISMATCH', `column '${name}' has ${values.length} values, the panel has ${rowCount} rows`);
    }
    series.push(pl.Series(name, values));
  }
  const dict = pl.DataFrame([pl.Series('__code', Int32Array.from(arrays.securities.keys())), pl.Series(sec, arrays.securities)]);
  return pl.DataFrame(series)
    .join(dict, { on: '__code', how: 'left' })
    .select(pl.col(sec), pl.col(timeCol), ...Object.keys(columns).map((c) => pl.col(c)));
}

/**
 * Runs `kernel` once per security over that security's slice of each input column and
 * writes its output into one Float64Array: the way path-dependent logic (stops, state
 * machines) leaves polars and comes back in a single trip. Inputs are subarray views,
 * not copies.
 */
export function perSecurity(
  arrays: SecurityArrays,
  inputs: string[],
  kernel: (inputs: Float64Array[], out: Float64Array) => void,
): Float64Array {
  const out = new Float64Array(arrays.rowCount).fill(NaN);
  const cols = inputs.map((c) => {
    const col = arrays.columns[c];
    if (!col) throw new QuantbookError('MISSING_COLUMN', `kernel input '${c}' was not moved out of polars`, `list '${c}' in toSecurityArrays({columns})`);
    return col;
  });
  for (let g = 0; g < arrays.securities.length; g++) {
    const a = arrays.offsets[g];
    const b = arrays.offsets[g + 1];
    kernel(cols.map((c) => c.subarray(a, b)), out.subarray(a, b));
  }
  return out;
}

/** Days since the epoch to an ISO date string (UTC). */
export function dayToIso(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function isoToDay(iso: string): number {
  return Math.floor(Date.parse(iso.length === 10 ? iso + 'T00:00:00Z' : iso) / 86_400_000);
}
