import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dtypeName } from '../data/dtype';
import { dayToIso } from '../kernels/bridge';
import { NULL_DAY, runStartExpr, securityCodes } from './signal-arrays';

/**
 * What a signal is checked and aligned against. The structural part of the catalog's
 * Snapshot that the contract needs, so a real Snapshot (kernel-lib/data/catalog.ts) fits.
 */
export interface SnapshotLike {
  manifest: { snapshot_id: string; name?: string };
  calendar(): Promise<pl.DataFrame>;
  prices(options?: { columns?: string[] }): pl.LazyDataFrame;
}

export interface ContractContext {
  /** Calendar, prices and securities all come from the snapshot unless given separately. */
  snapshot?: SnapshotLike;
  /** Trading days: a frame with a `date` column (pl.Date; Datetime is reduced to its days). */
  calendar?: pl.DataFrame | pl.LazyDataFrame;
  /** Price bars (security_id, date[, close]): which security trades on which day. */
  prices?: pl.DataFrame | pl.LazyDataFrame;
  /** Known security ids, when there are no prices to tell. */
  securities?: string[];
}

/** Trading days as lookup tables over the calendar's day range (days since 1970-01-01). */
export interface TradingCalendar {
  /** Sorted, unique trading days. */
  days: Int32Array;
  first: number;
  last: number;
  /** For day d in [first, last]: index in `days` of the first bar strictly after d (days.length when none). */
  nextBar: Int32Array;
  /** For day d in [first, last]: index of d in `days`, or -1 when d is not a trading day. */
  barOf: Int32Array;
}

/** The securities the signal may name, with their price history when prices were given. */
export interface SecurityTable {
  names: string[];
  index: Map<string, number>;
  hasPrices: boolean;
  /** First and last price bar per security (NULL_DAY without prices). */
  firstDay: Int32Array;
  lastDay: Int32Array;
  /**
   * For a security with holes inside its first..last range: present[b - firstBar] = 1 when
   * it has a bar at calendar bar b. null for a security without holes (the usual case) or
   * whose first/last bar is not a calendar day.
   */
  present: (Uint8Array | null)[];
  firstBar: Int32Array;
}

export interface ResolvedContext {
  snapshotName: string | null;
  calendar: TradingCalendar | null;
  securities: SecurityTable | null;
  /** security_id (String), __day (Int32) and close (Float64) when given: for the lookahead test. */
  prices: pl.LazyDataFrame | null;
}

export interface ResolveOptions {
  /**
   * The security table of these same prices, already built (securityTableFromRows, e.g. by
   * the cross-sectional panel that read them): the price keys are then not read again. The
   * prices are still kept (lazily) for the lookahead test.
   */
  securities?: SecurityTable;
}

export async function resolveContext(context: ContractContext, known: ResolveOptions = {}): Promise<ResolvedContext> {
  const snapshot = context.snapshot;
  const pricesIn = context.prices ?? (snapshot ? snapshotPrices(snapshot) : undefined);
  const prices = pricesIn ? await normalizePrices(lazy(pricesIn)) : null;
  // Without a calendar or snapshot the calendar comes from the price days: read the bars then.
  const reuse = prices !== null && known.securities !== undefined && (context.calendar !== undefined || snapshot !== undefined);
  const bars = prices && !reuse ? await priceBars(prices) : null;

  let calendarDays: Int32Array | null = null;
  if (context.calendar) calendarDays = await calendarFromFrame(lazy(context.calendar), 'calendar');
  else if (snapshot) calendarDays = await calendarFromFrame((await snapshot.calendar()).lazy(), `calendar of snapshot '${snapshot.manifest.snapshot_id}'`);
  else if (bars) calendarDays = distinctDays(bars.days);
  if (calendarDays && calendarDays.length === 0) {
    throw new QuantbookError('EMPTY_CALENDAR', 'the calendar holds no dates', 'pass a calendar (or prices, or a snapshot) with at least one trading day');
  }
  const calendar = calendarDays ? tradingCalendar(calendarDays) : null;

  let securities: SecurityTable | null = null;
  if (reuse) securities = known.securities!;
  else if (bars) securities = securitiesFromBars(bars, calendar);
  else if (context.securities) securities = securitiesFromList(context.securities);
  return {
    snapshotName: snapshot ? snapshot.manifest.name ?? snapshot.manifest.snapshot_id : null,
    calendar,
    securities,
    prices,
  };
}

export function tradingCalendar(days: Int32Array): TradingCalendar {
  const n = days.length;
  const first = days[0];
  const last = days[n - 1];
  const span = last - first + 1;
  const nextBar = new Int32Array(span);
  const barOf = new Int32Array(span).fill(-1);
  let next = 0;
  for (let d = first; d <= last; d++) {
    while (next < n && days[next] <= d) next++;
    nextBar[d - first] = next;
  }
  for (let b = 0; b < n; b++) barOf[days[b] - first] = b;
  return { days, first, last, nextBar, barOf };
}

/**
 * The contract's time shift for one availability day: the calendar bar `lag` bars after the
 * first bar strictly after `availDay`. Returns -1 when there is no such bar (the value
 * arrives at or after the calendar's end) and -2 when availDay is before the calendar starts.
 */
export function tradeBarIndex(calendar: TradingCalendar, availDay: number, lag: number): number {
  if (availDay < calendar.first) return -2;
  const next = availDay > calendar.last ? calendar.days.length : calendar.nextBar[availDay - calendar.first];
  const bar = next + lag;
  return bar < calendar.days.length ? bar : -1;
}

export function calendarRange(calendar: TradingCalendar | null): { first: string; last: string; bars: number } | null {
  if (!calendar) return null;
  return { first: dayToIso(calendar.first), last: dayToIso(calendar.last), bars: calendar.days.length };
}

export function isLazyFrame(frame: unknown): frame is pl.LazyDataFrame {
  return typeof frame === 'object' && frame !== null && 'collectSync' in frame;
}

/** `instanceof pl.DataFrame` is always false: polars builds frames with factories, not classes. */
export function isDataFrame(frame: unknown): frame is pl.DataFrame {
  return typeof frame === 'object' && frame !== null && !isLazyFrame(frame) && typeof (frame as pl.DataFrame).getColumn === 'function';
}

function lazy(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  return isLazyFrame(frame) ? frame : frame.lazy();
}

function snapshotPrices(snapshot: SnapshotLike): pl.LazyDataFrame {
  return snapshot.prices({ columns: ['close'] });
}

/** security_id (String), __day (Int32), close when present: one row per bar. */
async function normalizePrices(prices: pl.LazyDataFrame): Promise<pl.LazyDataFrame> {
  const schema = (await prices.limit(0).collect()).schema;
  for (const c of ['security_id', 'date']) {
    if (!(c in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `price frame has no '${c}' column (columns: ${Object.keys(schema).join(', ')})`, 'pass prices as a long panel with security_id and date columns');
    }
  }
  const dateType = dtypeName(schema.date);
  if (dateType !== 'Date' && !dateType.startsWith('Datetime')) {
    throw new QuantbookError('BAD_DTYPE', `price column 'date' has dtype ${dateType}, expected Date`, 'parse the dates first (parseDateColumn)');
  }
  return prices.select(
    pl.col('security_id').cast(pl.Utf8),
    pl.col('date').cast(pl.Date).cast(pl.Int32).alias('__day'),
    ...('close' in schema ? [pl.col('close').cast(pl.Float64)] : []),
  );
}

async function calendarFromFrame(frame: pl.LazyDataFrame, what: string): Promise<Int32Array> {
  const schema = (await frame.limit(0).collect()).schema;
  const column = '__day' in schema ? '__day' : 'date';
  if (!(column in schema)) {
    throw new QuantbookError('MISSING_COLUMN', `${what} has no 'date' column (columns: ${Object.keys(schema).join(', ')})`, 'pass the calendar as a frame with one pl.Date column named date');
  }
  const dateType = dtypeName(schema[column]);
  if (column === 'date' && dateType !== 'Date' && !dateType.startsWith('Datetime')) {
    throw new QuantbookError('BAD_DTYPE', `${what}: column 'date' has dtype ${dateType}, expected Date`, 'parse the dates first (parseDateColumn)');
  }
  const asDay = column === '__day' ? pl.col(column) : pl.col(column).cast(pl.Date).cast(pl.Int32);
  const days = await frame.select(asDay.alias('__day')).dropNulls().unique().sort('__day').collect();
  if (days.height === 0) throw new QuantbookError('EMPTY_CALENDAR', `${what} holds no dates`, 'pass a calendar with at least one trading day');
  return days.getColumn('__day').cast(pl.Int32).toTypedArray() as Int32Array;
}

function securitiesFromList(ids: string[]): SecurityTable {
  const names = [...new Set(ids)];
  const n = names.length;
  return {
    names,
    index: new Map(names.map((s, i) => [s, i])),
    hasPrices: false,
    firstDay: new Int32Array(n).fill(NULL_DAY),
    lastDay: new Int32Array(n).fill(NULL_DAY),
    present: new Array(n).fill(null),
    firstBar: new Int32Array(n).fill(-1),
  };
}

interface PriceBars {
  codes: Int32Array;
  names: string[];
  days: Int32Array;
}

/** The price rows' securities (as codes) and days, out of polars in one query. */
async function priceBars(prices: pl.LazyDataFrame): Promise<PriceBars> {
  const bars = await prices
    .filter(pl.col('security_id').isNotNull().and(pl.col('__day').isNotNull()))
    .select(pl.col('security_id'), pl.col('__day'), runStartExpr('security_id'))
    .collect();
  const { codes, names } = await securityCodes(bars.getColumn('security_id'), bars.getColumn('__run_start').toTypedArray() as Uint8Array);
  return { codes, names, days: bars.getColumn('__day').toTypedArray() as Int32Array };
}

/** Sorted distinct days: a bitmap over the day range (prices span decades, not millennia). */
function distinctDays(days: Int32Array): Int32Array {
  if (days.length === 0) return new Int32Array(0);
  let lo = days[0];
  let hi = days[0];
  for (let i = 1; i < days.length; i++) {
    if (days[i] < lo) lo = days[i];
    if (days[i] > hi) hi = days[i];
  }
  const seen = new Uint8Array(hi - lo + 1);
  for (let i = 0; i < days.length; i++) seen[days[i] - lo] = 1;
  let count = 0;
  for (let k = 0; k < seen.length; k++) count += seen[k];
  const out = new Int32Array(count);
  for (let k = 0, j = 0; k < seen.length; k++) if (seen[k]) out[j++] = lo + k;
  return out;
}

/**
 * The security table of price rows given as keys: codes[r] indexes `names` (-1 = empty id),
 * days[r] in days since 1970-01-01 (NULL_DAY = empty date). Rows with an empty id or date
 * are left out, and so are securities without any other row - exactly as when resolveContext
 * reads the prices itself. `calendar` must be the calendar the table will be used with.
 */
export function securityTableFromRows(codes: Int32Array, names: string[], days: Int32Array, calendar: TradingCalendar | null): SecurityTable {
  const used = new Uint8Array(names.length);
  let skipped = 0;
  for (let r = 0; r < codes.length; r++) {
    if (codes[r] >= 0 && days[r] !== NULL_DAY) used[codes[r]] = 1;
    else skipped++;
  }
  const remap = new Int32Array(names.length).fill(-1);
  const kept: string[] = [];
  for (let c = 0; c < names.length; c++) if (used[c]) remap[c] = kept.push(names[c]) - 1;
  // every row a bar and every name used (the usual panel): the codes serve as they are
  if (skipped === 0 && kept.length === names.length) return securitiesFromKeys(codes, days, names, null, calendar);
  return securitiesFromKeys(codes, days, kept, remap, calendar);
}

/**
 * Each security's first and last bar, and for those with holes inside that range a map of
 * the bars they do have: passes over the price rows in typed arrays (a polars group-by or
 * join on 15M string keys costs seconds; these loops cost tens of milliseconds).
 */
function securitiesFromBars(bars: PriceBars, calendar: TradingCalendar | null): SecurityTable {
  return securitiesFromKeys(bars.codes, bars.days, bars.names, null, calendar);
}

/** Rows with code < 0 or an empty day are skipped; `remap` (when given) turns a row's code into its row of `names`. */
function securitiesFromKeys(rowCodes: Int32Array, days: Int32Array, names: string[], remap: Int32Array | null, calendar: TradingCalendar | null): SecurityTable {
  // Each row's security-table row, -1 for rows that are not bars: computed once, not per pass
  // (and no filtered copy of the keys).
  const codes = remap === null ? rowCodes : new Int32Array(rowCodes.length);
  if (remap !== null) {
    for (let i = 0; i < rowCodes.length; i++) {
      const c = rowCodes[i];
      codes[i] = c < 0 || days[i] === NULL_DAY ? -1 : remap[c];
    }
  }
  const n = names.length;
  const firstDay = new Int32Array(n).fill(2 ** 31 - 1);
  const lastDay = new Int32Array(n).fill(NULL_DAY);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) continue;
    const d = days[i];
    if (d < firstDay[c]) firstDay[c] = d;
    if (d > lastDay[c]) lastDay[c] = d;
  }
  const present: (Uint8Array | null)[] = new Array(n).fill(null);
  const firstBar = new Int32Array(n).fill(-1);
  if (calendar) {
    const barOfDay = (d: number) => (d >= calendar.first && d <= calendar.last ? calendar.barOf[d - calendar.first] : -1);
    for (let c = 0; c < n; c++) {
      firstBar[c] = barOfDay(firstDay[c]);
      const lastBar = barOfDay(lastDay[c]);
      if (firstBar[c] >= 0 && lastBar >= firstBar[c]) present[c] = new Uint8Array(lastBar - firstBar[c] + 1);
    }
    const { first, last, barOf } = calendar;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c < 0) continue;
      const p = present[c];
      const d = days[i];
      if (p === null || d < first || d > last) continue;
      const bar = barOf[d - first];
      if (bar >= 0) p[bar - firstBar[c]] = 1;
    }
    // Keep the map only for securities with holes: a complete one needs no lookup.
    for (let c = 0; c < n; c++) if (present[c] && present[c]!.indexOf(0) === -1) present[c] = null;
  }
  return { names, index: new Map(names.map((s, i) => [s, i])), hasPrices: true, firstDay, lastDay, present, firstBar };
}
