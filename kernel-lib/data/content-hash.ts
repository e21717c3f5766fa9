import { createHash, type Hash } from 'node:crypto';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from './dtype';

/** Identifies the serialization below; bump it if the definition ever changes. */
export const CONTENT_HASH_VERSION = 'quantbook-content-hash/v1';

export interface HashedTable {
  name: string;
  /** Already in canonical row order (prices: security_id, date; groups: security_id). */
  frame: pl.DataFrame;
}

/**
 * SHA-256 (hex) of the DATA of a snapshot: independent of its name, import time, source
 * paths and of the Parquet bytes any polars version writes. Definition (docs/data.md):
 * the hash runs over CONTENT_HASH_VERSION, then for each table in the given order its name
 * and row count, then for each column in frame order its name and canonical type followed by
 * - a validity byte per row (1 = null),
 * - the values: f64 -> IEEE-754 float64 little-endian (null -> 0, every NaN the same bits);
 *   date -> int32 days since 1970-01-01; datetime -> float64 ms since the epoch UTC;
 *   utf8 -> uint32 length per row in Unicode code points, then all UTF-8 bytes concatenated.
 * Fields are separated by a 0 byte. Little-endian is what every supported platform uses.
 */
export async function contentHash(tables: HashedTable[]): Promise<string> {
  const hash = createHash('sha256');
  field(hash, CONTENT_HASH_VERSION);
  for (const { name, frame } of tables) {
    field(hash, `table:${name}`);
    field(hash, `rows:${frame.height}`);
    for (const column of frame.columns) await hashColumn(hash, frame, column);
  }
  return hash.digest('hex');
}

async function hashColumn(hash: Hash, frame: pl.DataFrame, column: string): Promise<void> {
  const dtype = dtypeName(frame.schema[column]);
  const kind = canonicalType(dtype, column);
  field(hash, `column:${column}:${kind}`);
  const col = pl.col(column);
  const parts = await frame.lazy().select(
    col.isNull().cast(pl.UInt8).alias('validity'),
    ...(kind === 'utf8'
      ? [col.fillNull('').str.lengths().cast(pl.UInt32).alias('values')]
      : kind === 'date'
        ? [col.cast(pl.Int32).fillNull(0).cast(pl.Int32).alias('values')]
        : kind === 'datetime_ms_utc'
          ? [col.cast(pl.Datetime('ms')).cast(pl.Int64).cast(pl.Float64).fillNull(0).alias('values')]
          : [col.cast(pl.Float64).fillNull(0).alias('values')]),
  ).collect().catch(() => undefined);
  if (!parts) throw new QuantbookError('INTERNAL', `could not serialize column '${column}' for the content hash`);
  const validity = frame.height ? (parts.getColumn('validity').toTypedArray() as Uint8Array) : new Uint8Array(0);
  bytes(hash, validity);
  if (kind === 'utf8') {
    bytes(hash, frame.height ? (parts.getColumn('values').toTypedArray() as Uint32Array) : new Uint32Array(0));
    const joined = await frame.lazy().select(col.fillNull('').str.concat('').alias('bytes')).collect();
    hash.update(Buffer.from(String(joined.getColumn('bytes').get(0) ?? ''), 'utf8'));
  } else if (kind === 'date') {
    bytes(hash, frame.height ? (parts.getColumn('values').toTypedArray() as Int32Array) : new Int32Array(0));
  } else {
    const values = frame.height ? (parts.getColumn('values').toTypedArray() as Float64Array) : new Float64Array(0);
    for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) values[i] = NaN;
    bytes(hash, values);
  }
  hash.update(new Uint8Array([0]));
}

function canonicalType(dtype: string, column: string): 'f64' | 'date' | 'datetime_ms_utc' | 'utf8' {
  if (dtype === 'Date') return 'date';
  if (dtype.startsWith('Datetime')) return 'datetime_ms_utc';
  if (dtype === 'String' || dtype === 'Utf8' || dtype === 'Categorical') return 'utf8';
  if (/^(Float|Int|UInt)\d+$/.test(dtype) || dtype === 'Null') return 'f64';
  throw new QuantbookError('BAD_DTYPE', `column '${column}' has dtype ${dtype}, which the content hash does not define`, 'store dates, numbers or text');
}

function field(hash: Hash, text: string): void {
  hash.update(text, 'utf8');
  hash.update(new Uint8Array([0]));
}

function bytes(hash: Hash, view: ArrayBufferView): void {
  hash.update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}
