import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';

export { parseDateColumn, isIntradayDtype, type ParseDateOptions } from './parse-date';
export { parseNumberColumn, parseNumberColumns, isNonFiniteText, type ParseNumberOptions } from './parse-number';

export interface ReadTableOptions {
  /** What the file is for, used in messages: 'price file', 'signal file', 'groups file'. */
  what?: string;
}

export interface Table {
  /**
   * CSV: every column as text (String), exactly as written, so nothing is guessed; parse
   * with parseDateColumn / parseNumberColumn. Parquet: the file's own dtypes.
   */
  frame: pl.DataFrame;
  rowCount: number;
  path: string;
  format: 'csv' | 'parquet';
  /**
   * Set when the first column had no name (a pandas index written by `to_csv()`, as in
   * GOOG.csv): it is renamed 'date' (or 'index' when a 'date' column already exists).
   */
  renamedIndexColumn?: string;
}

const CSV_EXTENSIONS = ['.csv', '.tsv', '.txt'];
const PARQUET_EXTENSIONS = ['.parquet', '.pq'];

/**
 * Reads a CSV, a Parquet file, or a folder of Parquet files (hive partitions such as
 * year=2015/ become columns). Fails with a QuantbookError naming the file for: a path that
 * does not exist, an unsupported extension, a zero-byte file, a header without rows, and a
 * CSV that cannot be read (ragged rows, bad quoting).
 */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const what = options.what ?? 'file';
  const full = resolve(path);
  if (!existsSync(full)) {
    throw new QuantbookError('FILE_NOT_FOUND', `${what} '${path}' does not exist`, `check the path (relative paths start at ${process.cwd()})`, { path: full });
  }
  const stat = statSync(full);
  if (stat.isDirectory()) return readParquetFolder(full, path, what);

  const ext = extname(full).toLowerCase();
  const isCsv = CSV_EXTENSIONS.includes(ext);
  if (!isCsv && !PARQUET_EXTENSIONS.includes(ext)) {
    throw new QuantbookError(
      'UNSUPPORTED_FORMAT',
      `${what} '${basename(full)}' has extension '${ext || '(none)'}'; only CSV (.csv, .tsv) and Parquet (.parquet) are read`,
      'save the table as CSV with a header row, or as Parquet',
    );
  }
  if (stat.size === 0) {
    throw new QuantbookError('EMPTY_FILE', `${what} '${basename(full)}' is empty (0 bytes)`, 'write a header row and at least one data row into it', { path: full });
  }
  const table = isCsv ? await readCsv(full, path, what, ext === '.tsv' ? '\t' : ',') : await readParquet(pl.scanParquet(full), full, path, what);
  if (table.rowCount === 0) {
    throw new QuantbookError(
      'NO_ROWS',
      `${what} '${basename(full)}' has a header (${table.frame.columns.join(', ')}) but no data rows`,
      'add data rows below the header, or point at the file that holds the data',
      { path: full },
    );
  }
  return table;
}

async function readCsv(full: string, shown: string, what: string, sep: string): Promise<Table> {
  let frame: pl.DataFrame;
  try {
    // inferSchemaLength 0 reads every column as text: dtypes are decided by the parsers, never guessed.
    frame = await pl.scanCSV(full, { inferSchemaLength: 0, sep }).collect();
  } catch (e) {
    throw unreadable(full, shown, what, e);
  }
  const names = frame.columns.map((c) => c.replace(/^\uFEFF/, '').trim());
  let renamedIndexColumn: string | undefined;
  if (names[0] === '') {
    renamedIndexColumn = names.some((n) => n.toLowerCase() === 'date') ? 'index' : 'date';
    names[0] = renamedIndexColumn;
  }
  if (names.some((n, i) => n !== frame.columns[i])) {
    frame = frame.rename(Object.fromEntries(frame.columns.map((c, i) => [c, names[i]])));
  }
  return { frame, rowCount: frame.height, path: full, format: 'csv', renamedIndexColumn };
}

async function readParquet(scan: pl.LazyDataFrame, full: string, shown: string, what: string): Promise<Table> {
  try {
    const frame = await scan.collect();
    return { frame, rowCount: frame.height, path: full, format: 'parquet' };
  } catch (e) {
    throw unreadable(full, shown, what, e);
  }
}

async function readParquetFolder(full: string, shown: string, what: string): Promise<Table> {
  if (!containsParquet(full)) {
    throw new QuantbookError('NO_PARQUET_FILES', `${what} folder '${shown}' holds no .parquet files`, 'point at a CSV/Parquet file, or at a folder of Parquet files (hive partitions like year=2015/ are fine)');
  }
  const table = await readParquet(pl.scanParquet(full, { hivePartitioning: true }), full, shown, what);
  if (table.rowCount === 0) {
    throw new QuantbookError('NO_ROWS', `${what} folder '${shown}' holds Parquet files with no rows`, 'point at the folder that holds the data');
  }
  return table;
}

function containsParquet(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && containsParquet(join(dir, entry.name))) return true;
    if (entry.isFile() && PARQUET_EXTENSIONS.includes(extname(entry.name).toLowerCase())) return true;
  }
  return false;
}

function unreadable(full: string, shown: string, what: string, e: unknown): QuantbookError {
  // Keep polars' one-line reason, never its stack.
  const reason = String((e as Error)?.message ?? e).split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
  const isCsv = CSV_EXTENSIONS.includes(extname(full).toLowerCase());
  return new QuantbookError(
    'UNREADABLE_FILE',
    `${what} '${basename(shown)}' cannot be read as ${isCsv ? 'CSV' : 'Parquet'}: ${reason}`,
    isCsv
      ? 'check that every row has as many comma-separated cells as the header, quotes are balanced, and the file is UTF-8 text'
      : 'check that the file is a complete Parquet file (re-export it)',
    { path: full, reason },
  );
}
