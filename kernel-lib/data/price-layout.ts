import { QuantbookError } from '../errors';

/**
 * How a price file is laid out, decided from its header:
 * - long: one row per (date, security) with a security column (security_id / symbol / ticker /
 *   name) and field columns (open, high, low, close, volume);
 * - single: long without a security column, one security per file (GOOG.csv): the security
 *   id is the `symbol` option or the file name without extension;
 * - wide: a date column and one column per security holding its close (stock_prices.csv).
 * Column names are matched case-insensitively, ignoring spaces, '_' and '-'.
 */
export type PriceLayout = 'long' | 'single' | 'wide';
export type LayoutOption = 'long' | 'wide' | 'auto';

export const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

/** Accepted spellings, in order of preference ('security_id' wins over 'name'). */
export const SECURITY_ALIASES = ['securityid', 'security', 'symbol', 'ticker', 'name'];
const DATE_ALIASES = ['date', 'datetime', 'timestamp', 'time', 'day'];
/** A separate time-of-day column beside a 'date' column (MetaTrader-style exports). */
const TIME_OF_DAY_ALIASES = ['time'];
const FIELD_ALIASES: Record<PriceField, string[]> = {
  open: ['open'],
  high: ['high'],
  low: ['low'],
  close: ['close', 'last', 'price'],
  volume: ['volume', 'vol'],
};

export interface PriceColumns {
  layout: PriceLayout;
  date: string;
  /** A time-of-day column joined to `date` ('2017-04-19' + '09:00'), when the file splits them. */
  timeOfDay?: string;
  /** Long layout only. */
  security?: string;
  /** File column feeding each panel field; undefined when the file has none (the field stays empty). */
  fields: Record<PriceField, string | undefined>;
  /** Wide layout: the security columns. */
  securities: string[];
  /** Columns read but not used (e.g. 'Adj Close'); reported, never dropped silently. */
  ignored: string[];
}

export function normalizeName(column: string): string {
  return column.toLowerCase().replace(/[\s_-]+/g, '');
}

export function findColumn(columns: string[], aliases: string[]): string | undefined {
  for (const alias of aliases) {
    const hit = columns.find((c) => normalizeName(c) === alias);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

export function detectPriceColumns(columns: string[], option: LayoutOption, file: string): PriceColumns {
  const date = findColumn(columns, DATE_ALIASES);
  if (!date) {
    throw new QuantbookError(
      'MISSING_COLUMN',
      `price file '${file}' has no date column (columns: ${columns.join(', ')})`,
      `name the date column 'date' (or leave the first header cell empty, as pandas writes an index)`,
    );
  }
  const timeOfDay = normalizeName(date) === 'date' ? findColumn(columns.filter((c) => c !== date), TIME_OF_DAY_ALIASES) : undefined;
  const rest = columns.filter((c) => c !== date && c !== timeOfDay);
  const security = findColumn(rest, SECURITY_ALIASES);
  const fields = Object.fromEntries(PRICE_FIELDS.map((f) => [f, findColumn(rest, FIELD_ALIASES[f])])) as PriceColumns['fields'];
  const hasFields = PRICE_FIELDS.some((f) => fields[f] !== undefined);

  const layout: PriceLayout = option === 'wide' ? 'wide' : security ? 'long' : hasFields || option === 'long' ? 'single' : 'wide';
  if (layout === 'wide') {
    if (rest.length === 0) {
      throw new QuantbookError('MISSING_COLUMN', `price file '${file}' has only a date column`, 'add one column per security (wide layout) or open/high/low/close/volume columns');
    }
    return { layout, date, timeOfDay, fields: { open: undefined, high: undefined, low: undefined, close: undefined, volume: undefined }, securities: rest, ignored: [] };
  }
  if (!fields.close) {
    throw new QuantbookError(
      'MISSING_COLUMN',
      `price file '${file}' has no close column (columns: ${columns.join(', ')})`,
      `a ${layout === 'long' ? 'long' : 'single-security'} price file needs at least 'close' (plus open, high, low, volume when known); for one column per security pass --layout wide`,
    );
  }
  const used = new Set([date, timeOfDay, security, ...Object.values(fields)].filter((c): c is string => c !== undefined));
  return { layout, date, timeOfDay, security, fields, securities: [], ignored: columns.filter((c) => !used.has(c)) };
}
