import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from './dtype';
import { requireColumn } from './parse-number';
import { describeRow, inFile, ROW_CONVENTION, type RowReferenceOptions } from './row-reference';

export interface ParseDateOptions extends RowReferenceOptions {
  /**
   * How to read slash dates such as 05/01/2015 when the column itself cannot tell (no part
   * above 12 anywhere). Without it such a column is an error: guessing would silently swap
   * days and months.
   */
  slashOrder?: 'day-first' | 'month-first';
}

/** The text layouts a date column may use; each value must match its family's pattern exactly. */
const FAMILIES = {
  iso: /^\d{4}-\d{1,2}-\d{1,2}$/,
  isoTime: /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]00:?00)?$/,
  slash: /^\d{1,2}\/\d{1,2}\/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$/,
  yearSlash: /^\d{4}\/\d{1,2}\/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$/,
  compact: /^\d{8}$/,
} as const;
type Family = keyof typeof FAMILIES;

const FAMILY_LABEL: Record<Family, string> = {
  iso: 'YYYY-MM-DD',
  isoTime: 'YYYY-MM-DD HH:MM:SS',
  slash: 'DD/MM/YYYY or MM/DD/YYYY',
  yearSlash: 'YYYY/MM/DD',
  compact: 'YYYYMMDD',
};

const ROW = '__qb_row';
const FIX_ISO = 'rewrite the dates as ISO YYYY-MM-DD (or YYYY-MM-DD HH:MM:SS in UTC for intraday bars)';

/**
 * `column` parsed from text into pl.Date (daily) or pl.Datetime('ms', 'UTC') (any value with
 * a time of day). Accepted: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS[.fff]] (a 'T' separator and a
 * trailing Z are fine; times are taken as UTC), YYYY/MM/DD, YYYYMMDD, and DD/MM/YYYY or
 * MM/DD/YYYY when some value has a part above 12 that settles the order. Empty cells stay
 * null. Date/Datetime columns (Parquet) pass through, Datetime converted to ms UTC.
 */
export async function parseDateColumn(frame: pl.DataFrame, column: string, options: ParseDateOptions = {}): Promise<pl.DataFrame> {
  requireColumn(frame, column, options.file);
  const where = `column '${column}'${inFile(options.file)}`;
  const dtype = dtypeName(frame.schema[column]);
  if (dtype === 'Date') return frame;
  if (dtype.startsWith('Datetime')) {
    const timeZone = (frame.schema[column] as unknown as { inner: (string | null | undefined)[] }).inner[1];
    const ms = pl.col(column).cast(pl.Datetime('ms', timeZone ?? undefined));
    const utc = timeZone ? ms.dt.convertTimeZone('UTC') : ms.dt.replaceTimeZone('UTC');
    return frame.lazy().withColumns(utc.alias(column)).collect();
  }
  if (dtype !== 'String' && dtype !== 'Utf8') {
    throw new QuantbookError('BAD_DTYPE', `${where} has dtype ${dtype}, expected dates`, FIX_ISO);
  }

  const stripped = pl.col(column).str.stripChars(' \t\r');
  const text = pl.when(stripped.eq(pl.lit(''))).then(pl.lit(null).cast(pl.Utf8)).otherwise(stripped);
  // One pass answers the usual case (a clean ISO column); the slower passes below run only
  // to describe a problem or to settle slash dates.
  const familyCounts = (names: Family[]) => frame.lazy().select(
    text.isNotNull().sum().alias('__values'),
    text.str.contains(/\d:\d\d/).sum().alias('__time'),
    ...(Object.keys(FAMILIES) as Family[]).map((name) => (names.includes(name) ? text.str.contains(FAMILIES[name]).sum() : pl.lit(0)).alias(name)),
  ).collect();
  let stats = await familyCounts(['iso', 'isoTime']);
  const isoOnly = (['iso', 'isoTime', '__values'] as const).map((c) => Number(stats.getColumn(c).get(0) ?? 0));
  if (isoOnly[0] + isoOnly[1] < isoOnly[2]) stats = await familyCounts(Object.keys(FAMILIES) as Family[]);
  const count = (name: string) => Number(stats.getColumn(name).get(0) ?? 0);
  const families = (Object.keys(FAMILIES) as Family[]).filter((f) => count(f) > 0);
  const matched = families.reduce((n, f) => n + count(f), 0);

  if (matched < count('__values') || (families.length > 1 && !(families.length === 2 && families.includes('iso') && families.includes('isoTime')))) {
    const classified = await classify(frame, text, options);
    const unknown = classified.filter(Object.keys(FAMILIES).map((f) => pl.col(f).not()).reduce((a, b) => a.and(b)));
    if (unknown.height > 0) throw badDate(unknown, where, options.file, 'is not a date in a supported format');
    const examples = families.map((f) => `${FAMILY_LABEL[f]} ('${firstValue(classified, f)}')`).join(' and ');
    throw new QuantbookError('MIXED_DATE_FORMATS', `${where} mixes date formats: ${examples}`, `use one format for the whole column; ${FIX_ISO}`);
  }
  if (families.length === 0) return frame.lazy().withColumns(pl.lit(null).cast(pl.Date).alias(column)).collect();

  const family = families.includes('isoTime') ? 'isoTime' : families[0];
  const withTime = count('__time') > 0;
  const { text: rewrite, format } =
    family === 'slash' ? await slashFormat(await classify(frame, text, options), where, options, withTime) : normalized(family, withTime);
  const parsed = withTime
    ? rewrite(text).str.strptime(pl.Datetime('ms'), format).cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC')
    : rewrite(text).str.strptime(pl.Date, format);
  const out = await frame.lazy().withColumns(parsed.alias(column), text.isNotNull().and(parsed.isNull()).alias('__qb_failed')).collect();
  if (Number(out.getColumn('__qb_failed').cast(pl.UInt32).sum()) > 0) {
    const rowExpr = options.rowColumn ? pl.col(options.rowColumn) : pl.col(ROW);
    const failed = await (options.rowColumn ? frame.lazy() : frame.lazy().withRowIndex(ROW, 1))
      .select(rowExpr.alias('row'), text.alias('text'), text.isNotNull().and(parsed.isNull()).alias('failed'))
      .filter(pl.col('failed'))
      .collect();
    throw badDate(failed, where, options.file, 'is not a valid calendar date or time');
  }
  return out.drop('__qb_failed');
}

/** Each non-empty value with its row number and which families it matches (slow path). */
async function classify(frame: pl.DataFrame, text: pl.Expr, options: ParseDateOptions): Promise<pl.DataFrame> {
  const rowExpr = options.rowColumn ? pl.col(options.rowColumn) : pl.col(ROW);
  return (options.rowColumn ? frame.lazy() : frame.lazy().withRowIndex(ROW, 1))
    .select(rowExpr.alias('row'), text.alias('text'))
    .filter(pl.col('text').isNotNull())
    .select(pl.col('row'), pl.col('text'), ...Object.entries(FAMILIES).map(([name, re]) => pl.col('text').str.contains(re).alias(name)))
    .collect();
}

/** True when a column of this dtype holds intraday timestamps rather than days. */
export function isIntradayDtype(dtype: pl.DataType): boolean {
  return dtypeName(dtype).startsWith('Datetime');
}

function firstValue(classified: pl.DataFrame, family: Family): string {
  return String(classified.filter(pl.col(family)).getColumn('text').get(0));
}

/** Text rewritten into one strptime format for the ISO-like families. */
function normalized(family: Exclude<Family, 'slash'>, withTime: boolean): { text: (e: pl.Expr) => pl.Expr; format: string } {
  if (family === 'compact') return { text: (e) => e, format: '%Y%m%d' };
  const sep = family === 'yearSlash' ? '/' : '-';
  const dateFormat = `%Y${sep}%m${sep}%d`;
  if (!withTime) return { text: (e) => e, format: dateFormat };
  return { text: (e) => withSeconds(e.str.replaceAll(/(Z|[+-]00:?00)$/, '').str.replaceAll('T', ' ', true)), format: `${dateFormat} %H:%M:%S%.f` };
}

/** A date-only value becomes midnight; HH:MM gains ':00', so one format reads them all. */
function withSeconds(e: pl.Expr): pl.Expr {
  return e.str.replaceAll(/^([0-9/-]+)$/, '${1} 00:00:00').str.replaceAll(/ (\d{1,2}:\d{2})$/, ' ${1}:00');
}

async function slashFormat(
  classified: pl.DataFrame,
  where: string,
  options: ParseDateOptions,
  withTime: boolean,
): Promise<{ text: (e: pl.Expr) => pl.Expr; format: string }> {
  const parts = await classified.lazy().select(
    pl.col('row'),
    pl.col('text'),
    pl.col('text').str.extract(/^(\d{1,2})\//, 1).cast(pl.Int32).alias('a'),
    pl.col('text').str.extract(/^\d{1,2}\/(\d{1,2})\//, 1).cast(pl.Int32).alias('b'),
  ).collect();
  const max = await parts.lazy().select(pl.col('a').max(), pl.col('b').max()).collect();
  const maxA = Number(max.getColumn('a').get(0));
  const maxB = Number(max.getColumn('b').get(0));
  let order = options.slashOrder;
  if (maxA > 12 && maxB > 12) {
    const a = firstRecord(parts.filter(pl.col('a').gt(12)));
    const b = firstRecord(parts.filter(pl.col('b').gt(12)));
    throw new QuantbookError(
      'MIXED_DATE_FORMATS',
      `${where} has day-first slash dates ('${a.text}', ${describeRow(Number(a.row), options.file)}) and month-first ones ('${b.text}', ${describeRow(Number(b.row), options.file)})`,
      `${FIX_ISO}; ${ROW_CONVENTION}`,
    );
  }
  if (maxA > 12) order = 'day-first';
  else if (maxB > 12) order = 'month-first';
  if (!order) {
    const differing = parts.filter(pl.col('a').neq(pl.col('b')));
    const { row, text, a, b } = firstRecord(differing.height > 0 ? differing : parts) as { row: number; text: string; a: number; b: number };
    throw new QuantbookError(
      'AMBIGUOUS_DATE_FORMAT',
      `${where}: '${text}' in ${describeRow(Number(row), options.file)} could be day-first (${isoOf(b, a, text)}) or month-first (${isoOf(a, b, text)}), and no value in the column settles it`,
      `${FIX_ISO} (the import never guesses day/month order); ${ROW_CONVENTION}`,
      { column: where, row, value: text },
    );
  }
  const dateFormat = order === 'day-first' ? '%d/%m/%Y' : '%m/%d/%Y';
  return withTime ? { text: withSeconds, format: `${dateFormat} %H:%M:%S%.f` } : { text: (e) => e, format: dateFormat };
}

function isoOf(month: number, day: number, text: string): string {
  const year = text.match(/\/(\d{4})/)?.[1] ?? '????';
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function badDate(rows: pl.DataFrame, where: string, file: string | undefined, problem: string): QuantbookError {
  const first = firstRecord(rows);
  const allRows = rows.getColumn('row').head(5).toArray() as number[];
  return new QuantbookError(
    'BAD_DATE',
    `${where}: '${first.text}' in ${describeRow(Number(first.row), file)} ${problem}` +
      (rows.height > 1 ? ` (${rows.height} such values; first rows: ${allRows.join(', ')})` : ''),
    `${FIX_ISO}; ${ROW_CONVENTION}`,
    { count: rows.height, rows: allRows },
  );
}

function firstRecord(frame: pl.DataFrame): Record<string, unknown> {
  return frame.head(1).toRecords()[0] ?? {};
}
