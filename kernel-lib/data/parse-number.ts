import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName, isNumericDtype } from './dtype';
import { describeRow, inFile, ROW_CONVENTION, type RowReferenceOptions } from './row-reference';

export interface ParseNumberOptions extends RowReferenceOptions {
  /**
   * Keep 'NaN' / 'inf' / '-Infinity' (text or float) as NaN / +-Infinity instead of failing;
   * for callers that count them in a report (signal validation). Default false.
   */
  allowNonFinite?: boolean;
}

const NON_FINITE_TEXT = /^[+-]?(nan|inf|infinity)$/i;
const ROW = '__qb_row';

/**
 * `column` as Float64. Text is trimmed; empty cells become null (missing). A value that is
 * not a number (a word such as 'high') is an error naming the column, the row and the value;
 * so is non-finite text ('NaN', 'inf') unless `allowNonFinite`.
 */
export async function parseNumberColumn(frame: pl.DataFrame, column: string, options: ParseNumberOptions = {}): Promise<pl.DataFrame> {
  requireColumn(frame, column, options.file);
  const dtype = frame.schema[column];
  const where = `column '${column}'${inFile(options.file)}`;
  const rowExpr = options.rowColumn ? pl.col(options.rowColumn) : pl.col(ROW);
  const base = options.rowColumn ? frame.lazy() : frame.lazy().withRowIndex(ROW, 1);

  if (isNumericDtype(dtype)) {
    const parsed = pl.col(column).cast(pl.Float64);
    if (!options.allowNonFinite) await failOnNonFinite(base, parsed, rowExpr, pl.col(column).cast(pl.Utf8), where, options.file);
    return frame.lazy().withColumns(parsed.alias(column)).collect();
  }
  if (!['String', 'Utf8'].includes(dtypeName(dtype))) {
    throw new QuantbookError('BAD_DTYPE', `${where} has dtype ${dtypeName(dtype)}, expected numbers`, `store '${column}' as numbers (or as text holding plain decimal numbers)`);
  }

  const text = pl.col(column).str.stripChars(' \t\r');
  const cleaned = pl.when(text.eq(pl.lit(''))).then(pl.lit(null).cast(pl.Utf8)).otherwise(text);
  const parsed = cleaned.cast(pl.Float64, false);
  const nonFiniteText = cleaned.str.contains(/^[+-]?(nan|inf|infinity)$/i);
  const bad = await base
    .select(rowExpr.alias('row'), pl.col(column).alias('value'), cleaned.isNotNull().and(parsed.isNull()).alias('bad'))
    .filter(pl.col('bad'))
    .collect();
  if (bad.height > 0) {
    const rows = bad.getColumn('row').toArray().slice(0, 5) as number[];
    const values = bad.getColumn('value').toArray().slice(0, 5) as string[];
    throw new QuantbookError(
      'NOT_A_NUMBER',
      `${where}: '${values[0]}' in ${describeRow(rows[0], options.file)} is not a number` +
        (bad.height > 1 ? ` (${bad.height} such values; first rows: ${rows.join(', ')})` : ''),
      `write plain decimal numbers in '${column}' (e.g. 0.5 or -1.2e-3) and leave the cell empty where the value is missing; ${ROW_CONVENTION}`,
      { column, file: options.file, count: bad.height, rows, values },
    );
  }
  if (!options.allowNonFinite) await failOnNonFinite(base, parsed, rowExpr, cleaned, where, options.file, nonFiniteText);
  return frame.lazy().withColumns(parsed.alias(column)).collect();
}

/**
 * Several columns at once, with the rules of parseNumberColumn. Clean files (the usual case)
 * cost one checking pass for all columns; a column with a problem is then re-examined alone
 * for its message.
 */
export async function parseNumberColumns(frame: pl.DataFrame, columns: string[], options: ParseNumberOptions = {}): Promise<pl.DataFrame> {
  for (const c of columns) requireColumn(frame, c, options.file);
  if (columns.length === 0) return frame;
  // Fast check: a plain cast that loses no value and yields only finite numbers is the answer.
  const suspicious = (c: string): pl.Expr => {
    const cast = pl.col(c).cast(pl.Float64, false);
    const lost = cast.nullCount().minus(pl.col(c).nullCount());
    return (options.allowNonFinite ? lost : lost.plus(cast.isFinite().not().sum())).alias(c);
  };
  const counts = await frame.lazy().select(...columns.map(suspicious)).collect();
  const careful = columns.filter((c) => Number(counts.getColumn(c).get(0)) > 0);
  let out = await frame.lazy().withColumns(...columns.filter((c) => !careful.includes(c)).map((c) => pl.col(c).cast(pl.Float64, false).alias(c))).collect();
  // Padded cells, text 'NaN'... take the careful path, which cleans or names the problem.
  for (const c of careful) out = await parseNumberColumn(out, c, options);
  return out;
}

async function failOnNonFinite(
  base: pl.LazyDataFrame,
  parsed: pl.Expr,
  rowExpr: pl.Expr,
  text: pl.Expr,
  where: string,
  file: string | undefined,
  nonFiniteText?: pl.Expr,
): Promise<void> {
  const isNonFinite = parsed.isNan().or(parsed.isInfinite());
  const found = await base
    .select(rowExpr.alias('row'), text.alias('value'), (nonFiniteText ? nonFiniteText.or(isNonFinite) : isNonFinite).fillNull(false).alias('bad'))
    .filter(pl.col('bad'))
    .collect();
  if (found.height === 0) return;
  const rows = found.getColumn('row').toArray().slice(0, 5) as number[];
  const values = found.getColumn('value').toArray().slice(0, 5) as string[];
  throw new QuantbookError(
    'NON_FINITE',
    `${where}: non-finite value '${values[0]}' in ${describeRow(rows[0], file)}` +
      (found.height > 1 ? ` (${found.height} such values; first rows: ${rows.join(', ')})` : ''),
    `leave the cell empty for a missing value instead of writing NaN or inf, or remove the row; ${ROW_CONVENTION}`,
    { count: found.height, rows, values },
  );
}

export function requireColumn(frame: pl.DataFrame, column: string, file?: string): void {
  if (!frame.columns.includes(column)) {
    throw new QuantbookError(
      'MISSING_COLUMN',
      `column '${column}' is missing${inFile(file)} (columns: ${frame.columns.map((c) => `'${c}'`).join(', ')})`,
      `add a '${column}' column (names are case-sensitive here) or rename the column holding it`,
    );
  }
}

/** True for text such as 'NaN', 'inf', '-Infinity' (what the reader flags as non-finite). */
export function isNonFiniteText(value: string): boolean {
  return NON_FINITE_TEXT.test(value.trim());
}
