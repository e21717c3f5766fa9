import { basename, extname } from 'node:path';

/**
 * How an error points at a row, the way the user sees the file. Row numbers are 1-based data
 * rows (the header is not counted); in a CSV, data row N is line N + 1 of the file (the
 * header is line 1), unless a quoted cell spans several lines.
 */
export interface RowReferenceOptions {
  /** The file the frame was read from: named in messages; a .csv extension adds line numbers. */
  file?: string;
  /**
   * A column holding each row's 1-based data-row number in the file, for frames that were
   * filtered or reordered after reading. Without it the frame's own row order is the file's.
   */
  rowColumn?: string;
}

export function describeRow(row: number, file?: string): string {
  const isCsv = file !== undefined && extname(file).toLowerCase() === '.csv';
  return isCsv ? `data row ${row} (line ${row + 1} of the file)` : `row ${row}`;
}

/** ` in GOOG.csv` or '' - the file part of a message. */
export function inFile(file?: string): string {
  return file ? ` in ${basename(file)}` : '';
}

export const ROW_CONVENTION = 'rows are counted from 1 after the header (data row N is line N+1 of a CSV file)';
