import pl from 'nodejs-polars';

/** Stands for an empty date in Int32 day arrays (no real date is 5.8 million years back). */
export const NULL_DAY = -(2 ** 31);

/**
 * A prepared signal's key columns as typed arrays, in input row order: the shape the row
 * kernels (row-kernel.ts) work on.
 */
export interface SignalArrays {
  rows: number;
  /** Index into `names` per row; -1 for an empty security_id. */
  code: Int32Array;
  names: string[];
  /** Days since 1970-01-01; NULL_DAY when empty. */
  sigDay: Int32Array;
  availDay: Int32Array;
  /** NaN for NaN and for empty cells; `signalNull` tells them apart. */
  signal: Float64Array;
  /** 1 where the signal cell is empty (null); null when no cell is. */
  signalNull: Uint8Array | null;
}

export async function toSignalArrays(frame: pl.DataFrame): Promise<SignalArrays> {
  const cols = await frame.lazy()
    .select(
      runStartExpr('security_id'),
      pl.col('date_sig').cast(pl.Int32).fillNull(NULL_DAY).alias('sig'),
      pl.col('date_avail').cast(pl.Int32).fillNull(NULL_DAY).alias('avail'),
      pl.col('signal').cast(pl.Float64).fillNull(NaN).alias('signal'),
    )
    .collect();
  const { codes, names } = await securityCodes(frame.getColumn('security_id'), cols.getColumn('__run_start').toTypedArray() as Uint8Array);
  const signalColumn = frame.getColumn('signal');
  const signalNull = signalColumn.nullCount() > 0 ? (signalColumn.isNull().cast(pl.UInt8).toTypedArray() as Uint8Array) : null;
  return {
    rows: frame.height,
    code: codes,
    names,
    sigDay: cols.getColumn('sig').toTypedArray() as Int32Array,
    availDay: cols.getColumn('avail').toTypedArray() as Int32Array,
    signal: cols.getColumn('signal').toTypedArray() as Float64Array,
    signalNull,
  };
}

/** 1 where a row's value differs from the row before (or is the first row, or is null): `__run_start`. */
export function runStartExpr(column: string): pl.Expr {
  return pl.col(column).neq(pl.col(column).shift(1)).fillNull(true).cast(pl.UInt8).alias('__run_start');
}

/**
 * Dense integer codes for a String column: codes[i] indexes names (in order of first
 * appearance), -1 for null. Signals and panels are usually grouped by security, so codes come
 * from the runs of equal neighbours (`runStart` from runStartExpr: one string comparison per
 * row); a column with many runs (sorted by date, say) goes through a polars Categorical.
 */
export async function securityCodes(column: pl.Series, runStart: Uint8Array): Promise<{ codes: Int32Array; names: string[] }> {
  const n = column.length;
  let runs = 0;
  for (let i = 0; i < n; i++) runs += runStart[i];
  if (runs <= Math.max(100_000, n / 20)) return codesFromRuns(column, runStart, runs);
  return codesFromCategorical(pl.DataFrame([column.alias('s')]));
}

function codesFromRuns(column: pl.Series, runStart: Uint8Array, runs: number): { codes: Int32Array; names: string[] } {
  const n = column.length;
  const starts: number[] = new Array(runs);
  for (let i = 0, r = 0; i < n; i++) if (runStart[i]) starts[r++] = i;
  const values = (runs > 0 ? column.gather(starts).toArray() : []) as (string | null)[];
  const names: string[] = [];
  const index = new Map<string, number>();
  const runCode = new Int32Array(runs);
  for (let r = 0; r < runs; r++) {
    const v = values[r];
    if (v === null || v === undefined) {
      runCode[r] = -1;
      continue;
    }
    let c = index.get(v);
    if (c === undefined) {
      c = names.length;
      index.set(v, c);
      names.push(v);
    }
    runCode[r] = c;
  }
  const codes = new Int32Array(n);
  for (let i = 0, r = -1; i < n; i++) {
    if (runStart[i]) r++;
    codes[i] = runCode[r];
  }
  return { codes, names };
}

async function codesFromCategorical(frame: pl.DataFrame): Promise<{ codes: Int32Array; names: string[] }> {
  const physical = (await frame.lazy().select(pl.col('s').cast(pl.Categorical).toPhysical().cast(pl.Int32).fillNull(-1).alias('p')).collect())
    .getColumn('p').toTypedArray() as Int32Array;
  // Physical codes come from polars' global string cache: not dense, not starting at 0.
  let max = -1;
  for (let i = 0; i < physical.length; i++) if (physical[i] > max) max = physical[i];
  const dense = new Int32Array(max + 1).fill(-1);
  const firstRow: number[] = [];
  const codes = new Int32Array(physical.length);
  for (let i = 0; i < physical.length; i++) {
    const p = physical[i];
    if (p < 0) {
      codes[i] = -1;
      continue;
    }
    if (dense[p] < 0) {
      dense[p] = firstRow.length;
      firstRow.push(i);
    }
    codes[i] = dense[p];
  }
  const names = (firstRow.length > 0 ? frame.getColumn('s').gather(firstRow).toArray() : []) as string[];
  return { codes, names };
}
