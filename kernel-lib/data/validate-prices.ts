import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { describeRow } from './row-reference';

/** Bars that break a price rule; each count is a number of rows. */
export interface InvalidBarCounts {
  /** open, high, low or close <= 0. */
  non_positive_price: number;
  /** high < low. */
  high_below_low: number;
  /** volume < 0. */
  negative_volume: number;
  /** Rows sharing a (security_id, date) key with different values (every row of such a key). */
  conflicting_duplicate: number;
}

export interface PriceChecks {
  /** Rows identical in every field to an earlier row: dropped, since they carry no information. */
  exact_duplicate_rows_dropped: number;
  /** Bars found breaking each rule (all zero when the load succeeded with `invalid: 'error'`). */
  invalid_bars: InvalidBarCounts;
  /** What was done with them: see InvalidAction. */
  invalid_action: InvalidAction;
}

/**
 * - 'error' (default): any invalid bar fails the load, naming rows.
 * - 'drop': invalid bars are removed (every row of a conflicting duplicate key too).
 * - 'blank': only the offending fields become empty (a non-positive price field; high and low
 *   when high < low; a negative volume), keeping the bar and its other fields; conflicting
 *   duplicate keys are still dropped, as no field can be blamed.
 */
export type InvalidAction = 'error' | 'drop' | 'blank';

export interface ValidatePricesOptions {
  file?: string;
  invalid?: InvalidAction;
}

/** A column holding each row's 1-based data-row number in the source file (added by the loader). */
export const SOURCE_ROW = '__qb_source_row';

const KEY = ['security_id', 'date'];
const PRICES = ['open', 'high', 'low', 'close'];

/**
 * Checks a panel frame (date, security_id, open..volume, SOURCE_ROW) and returns it sorted
 * by security_id then date, without SOURCE_ROW. Exact duplicate rows are dropped and counted;
 * empty dates or security ids, and (unless `invalid: 'drop'`) non-positive prices, high below
 * low, negative volume and conflicting duplicate keys are errors naming rows of the file.
 */
export async function validatePrices(frame: pl.DataFrame, options: ValidatePricesOptions = {}): Promise<{ prices: pl.DataFrame; checks: PriceChecks }> {
  const file = options.file ? basename(options.file) : 'the price data';
  if (frame.getColumn('date').nullCount() + frame.getColumn('security_id').nullCount() > 0) await failOnMissingKeys(frame, file, options.file);

  const fields = frame.columns.filter((c) => c !== SOURCE_ROW);
  const deduplicated = await frame.lazy().unique({ subset: fields, keep: 'first', maintainOrder: true }).collect();
  const exactDuplicates = frame.height - deduplicated.height;

  // Few, simple expressions: polars plans wide expression trees slowly, which small files feel.
  const marked = await deduplicated.lazy().withColumns(
    pl.len().over('security_id', 'date').gt(1).alias('conflicting_duplicate'),
    PRICES.map((c) => pl.col(c).ltEq(0)).reduce((a, b) => a.or(b)).fillNull(false).alias('non_positive_price'),
    pl.col('high').lt(pl.col('low')).fillNull(false).alias('high_below_low'),
    pl.col('volume').lt(0).fillNull(false).alias('negative_volume'),
  ).collect();
  const rules = ['non_positive_price', 'high_below_low', 'negative_volume', 'conflicting_duplicate'] as const;
  const counts = Object.fromEntries(rules.map((r) => [r, Number(marked.getColumn(r).cast(pl.UInt32).sum())])) as unknown as InvalidBarCounts;
  const anyInvalid = rules.map((r) => pl.col(r)).reduce((a, b) => a.or(b));

  const action = options.invalid ?? 'error';
  if (rules.some((r) => counts[r] > 0) && action === 'error') {
    const parts: string[] = [];
    for (const rule of rules) {
      if (counts[rule] === 0) continue;
      const examples = await marked.lazy().filter(pl.col(rule)).sort(SOURCE_ROW).head(3).collect();
      parts.push(`${counts[rule]} ${RULE_TEXT[rule]} (${examples.toRecords().map((r) => describeExample(r, options.file)).join('; ')})`);
    }
    throw new QuantbookError(
      'INVALID_PRICES',
      `${file} has invalid bars: ${parts.join(', ')}`,
      "correct these rows in the source file, or import with --invalid blank (empty just the impossible fields) or --invalid drop (drop the bars); API: { invalid: 'blank' | 'drop' }. The counts go into the manifest's quality section",
      { file: options.file, counts },
    );
  }
  const kept = action === 'drop' ? marked.lazy().filter(anyInvalid.not()) : action === 'blank' ? blankInvalidFields(marked.lazy()) : marked.lazy();
  const prices = await kept.drop([...rules, SOURCE_ROW]).sort(KEY).collect();
  return { prices, checks: { exact_duplicate_rows_dropped: exactDuplicates, invalid_bars: counts, invalid_action: action } };
}

function blankInvalidFields(marked: pl.LazyDataFrame): pl.LazyDataFrame {
  const blankIf = (condition: pl.Expr, column: string) => pl.when(condition).then(pl.lit(null).cast(pl.Float64)).otherwise(pl.col(column)).alias(column);
  return marked.filter(pl.col('conflicting_duplicate').not()).withColumns(
    blankIf(pl.col('open').ltEq(0).fillNull(false), 'open'),
    blankIf(pl.col('high').ltEq(0).fillNull(false).or(pl.col('high_below_low')), 'high'),
    blankIf(pl.col('low').ltEq(0).fillNull(false).or(pl.col('high_below_low')), 'low'),
    blankIf(pl.col('close').ltEq(0).fillNull(false), 'close'),
    blankIf(pl.col('negative_volume'), 'volume'),
  );
}

const RULE_TEXT: Record<keyof InvalidBarCounts, string> = {
  non_positive_price: 'bars with a zero or negative open/high/low/close',
  high_below_low: 'bars with high below low',
  negative_volume: 'bars with negative volume',
  conflicting_duplicate: 'rows that share a (security, date) with different values',
};

function describeExample(r: Record<string, unknown>, file?: string): string {
  const values = ['open', 'high', 'low', 'close', 'volume'].map((c) => `${c}=${r[c] ?? 'empty'}`).join(' ');
  return `${r.security_id} ${formatTime(r.date)} ${values}, ${describeRow(Number(r[SOURCE_ROW]), file)}`;
}

/** A day as 'YYYY-MM-DD'; a timestamp as 'YYYY-MM-DDTHH:MM:SSZ' (always, for intraday data, even at midnight). */
export function formatTime(value: unknown, intraday?: boolean): string {
  if (!(value instanceof Date)) return String(value);
  const iso = value.toISOString();
  const midnight = iso.endsWith('T00:00:00.000Z');
  return (intraday === undefined ? midnight : !intraday) ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

async function failOnMissingKeys(frame: pl.DataFrame, file: string, path?: string): Promise<void> {
  for (const [column, what] of [['date', 'date'], ['security_id', 'security id']] as const) {
    const missing = await frame.lazy().filter(pl.col(column).isNull()).select(pl.col(SOURCE_ROW)).collect();
    if (missing.height > 0) {
      const rows = missing.getColumn(SOURCE_ROW).head(5).toArray() as number[];
      throw new QuantbookError(
        column === 'date' ? 'MISSING_DATE' : 'MISSING_SECURITY',
        `${file}: ${missing.height} row(s) have no ${what} (first: ${describeRow(rows[0], path)}; rows ${rows.join(', ')})`,
        `fill in the ${what} or delete those rows`,
        { rows },
      );
    }
  }
}
