import type pl from 'nodejs-polars';

/** 'Float64', 'Date', 'Datetime(Milliseconds, Some("UTC"))', ... (String(dtype) says 'DataType(Date)'). */
export function dtypeName(dtype: pl.DataType): string {
  return String(dtype).replace(/^DataType\((.*)\)$/s, '$1');
}

export function isNumericDtype(dtype: pl.DataType): boolean {
  return /^(Float|Int|UInt)\d+$/.test(dtypeName(dtype));
}
