import { basename, extname } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from './dtype';
import { loadGroups, type GroupsReport } from './groups';
import { parseDateColumn } from './parse-date';
import { parseNumberColumns } from './parse-number';
import { detectPriceColumns, PRICE_FIELDS, type LayoutOption, type PriceColumns, type PriceField, type PriceLayout } from './price-layout';
import { readTable } from './read-table';
import { SOURCE_ROW, validatePrices, type InvalidAction, type InvalidBarCounts } from './validate-prices';

export interface LoadPriceOptions {
  /** 'auto' (default) decides from the header; see price-layout.ts. */
  layout?: LayoutOption;
  /** Security id for a single-security file (default: the file name without extension, e.g. GOOG). */
  symbol?: string;
  /** Group label files (sectors), first-wins fallback; see groups.ts. */
  groups?: string | string[];
  /** What to do with invalid bars (non-positive prices, high < low, ...): see InvalidAction. */
  invalid?: InvalidAction;
}

export interface LoadReport {
  rows_read: number;
  /** Rows in the panel after dropping what is counted below. */
  rows: number;
  exact_duplicate_rows_dropped: number;
  invalid_bars: InvalidBarCounts;
  invalid_action: InvalidAction;
  /** Wide layout: empty cells (a security without a close on that date): no bar, nothing dropped. */
  empty_wide_cells: number;
  /** Empty cells per panel field (kept as null; a field the file lacks counts every row). */
  missing_values: Record<PriceField, number>;
  /** File columns not used (e.g. 'Adj Close', 'year'). */
  ignored_columns: string[];
  groups?: GroupsReport;
}

export interface PriceFile {
  /** The panel: date, security_id, open, high, low, close, volume; sorted by security_id then date. */
  prices: pl.DataFrame;
  /** security_id + label columns, when `groups` files were given. */
  groups?: pl.DataFrame;
  layout: PriceLayout;
  /** 'intraday' when the dates carry a time of day (pl.Datetime('ms', 'UTC')); else pl.Date. */
  frequency: 'daily' | 'intraday';
  path: string;
  columns: PriceColumns;
  report: LoadReport;
}

/**
 * Reads a price file of any supported layout (long, single-security, wide; CSV or Parquet)
 * into the panel shape, validating it: see validate-prices.ts for the rules. Everything
 * dropped is counted in `report`.
 */
export async function loadPriceFile(path: string, options: LoadPriceOptions = {}): Promise<PriceFile> {
  const table = await readTable(path, { what: 'price file' });
  const file = basename(table.path);
  const columns = detectPriceColumns(table.frame.columns, options.layout ?? 'auto', file);
  let frame = await table.frame.lazy().withRowIndex(SOURCE_ROW, 1).collect();
  const where = { file: table.path, rowColumn: SOURCE_ROW };

  if (columns.timeOfDay) {
    frame = await frame.lazy().withColumns(pl.concatString([pl.col(columns.date), pl.col(columns.timeOfDay)], ' ').alias(columns.date)).collect();
  }
  frame = await parseDateColumn(frame, columns.date, where);

  let panel: pl.DataFrame;
  let emptyWideCells = 0;
  if (columns.layout === 'wide') {
    frame = await parseNumberColumns(frame, columns.securities, where);
    const long = await frame.lazy()
      .select(pl.col(SOURCE_ROW), pl.col(columns.date).alias('date'), ...columns.securities.map((c) => pl.col(c)))
      .unpivot([SOURCE_ROW, 'date'], columns.securities, { variableName: '__qb_security', valueName: '__qb_close' })
      .collect();
    const present = await long.lazy().filter(pl.col('__qb_close').isNotNull()).collect();
    emptyWideCells = long.height - present.height;
    panel = await present.lazy().select(
      pl.col('date'),
      pl.col('__qb_security').cast(pl.Utf8).alias('security_id'),
      ...PRICE_FIELDS.map((f) => (f === 'close' ? pl.col('__qb_close').alias('close') : pl.lit(null).cast(pl.Float64).alias(f))),
      pl.col(SOURCE_ROW),
    ).collect();
  } else {
    const present = PRICE_FIELDS.filter((f) => columns.fields[f] !== undefined);
    frame = await parseNumberColumns(frame, present.map((f) => columns.fields[f]!), where);
    const security = columns.security
      ? pl.col(columns.security).cast(pl.Utf8).str.stripChars(' ')
      : pl.lit(singleSecurityId(table.path, options.symbol));
    panel = await frame.lazy().select(
      pl.col(columns.date).alias('date'),
      security.alias('security_id'),
      ...PRICE_FIELDS.map((f) => (columns.fields[f] ? pl.col(columns.fields[f]!).alias(f) : pl.lit(null).cast(pl.Float64).alias(f))),
      pl.col(SOURCE_ROW),
    ).collect();
  }

  const { prices, checks } = await validatePrices(panel, { file: table.path, invalid: options.invalid });

  const result: PriceFile = {
    prices,
    layout: columns.layout,
    frequency: dtypeName(prices.schema.date) === 'Date' ? 'daily' : 'intraday',
    path: table.path,
    columns,
    report: {
      rows_read: table.rowCount,
      rows: prices.height,
      ...checks,
      empty_wide_cells: emptyWideCells,
      missing_values: Object.fromEntries(PRICE_FIELDS.map((f) => [f, prices.getColumn(f).nullCount()])) as Record<PriceField, number>,
      ignored_columns: columns.ignored,
    },
  };
  if (options.groups !== undefined) {
    const files = Array.isArray(options.groups) ? options.groups : [options.groups];
    const securities = await prices.lazy().select(pl.col('security_id').unique().sort()).collect();
    const groups = await loadGroups(files, securities.getColumn('security_id').toArray() as string[]);
    result.groups = groups.frame;
    result.report.groups = groups.report;
  }
  return result;
}

function singleSecurityId(path: string, symbol?: string): string {
  const id = (symbol ?? basename(path, extname(path))).trim();
  if (id === '') throw new QuantbookError('BAD_PARAMETER', "parameter 'symbol' is empty", 'pass the security id of this single-security file, e.g. --symbol GOOG');
  return id;
}
