import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { securityTableFromRows, tradingCalendar, type SecurityTable } from '../contract/context';
import { capTercileKernel, trailingMedianKernel } from '../kernels/xsection-size';
import { cellRows, dayIndex, distinctDays, scatter, uniqueRowCells } from './dense-cells';

/**
 * The market data every cross-sectional variant reads, moved out of polars once into dense
 * date-major matrices (cell (t, i) at t * N + i) backed by SharedArrayBuffer, so worker
 * threads read them without copies. Built from a price panel; definitions in docs/xsection.md.
 */
export interface XsPanel {
  /** Trading calendar as days since 1970-01-01 (T entries, ascending). */
  calendar: Int32Array;
  securities: string[];
  /** 1 when close[t] is finite and > 0: the security can be traded at t's close. */
  tradableClose: Uint8Array;
  /** close[t+1] / close[t] - 1 (NaN when either is missing): the return of a position taken at t's close. */
  fwdClose: Float64Array;
  /** Same for open prices (only when loaded with `fromOpen`). */
  tradableOpen?: Uint8Array;
  fwdOpen?: Float64Array;
  /** Group code per security (-1 = no label) and the labels, from `groupColumn`. */
  groups: Int32Array;
  groupLabels: string[];
  groupColumn?: string;
  /** Trailing median dollar volume (see docs/xsection.md "Cap buckets"); NaN where unknown. */
  sizeProxy: Float64Array;
  /** Cap tercile per cell from sizeProxy: 0 small, 1 mid, 2 large, -1 unknown. */
  capBucket: Int8Array;
  /** Cost in bps per unit traded, when a cost column was loaded. */
  costBps?: Float64Array;
  costColumn?: string;
  /** Risk factor matrices by name (for factor residualization). */
  factors: Record<string, Float64Array>;
  /** What the panel could not provide, with the reason (e.g. no volume column: no cap buckets). */
  unavailable: Record<string, string>;
  /**
   * Built with `priceKeys` only, for signals checked or computed on these same prices (they
   * stay on the main thread, not part of the workers' shared data):
   * - priceSecurities: the signal contract's security table of the price rows (first/last
   *   bar, gaps) on this calendar, so validation does not read the prices' keys again;
   * - close: the close matrix (NaN where there is no row or no close);
   * - priceCells: 1 where a price row exists, when every row is the only one of its own
   *   calendar cell (no empty id or date, no day off the calendar, no repeated (security,
   *   date)); undefined otherwise. Then a security's rows in date order are exactly its cells
   *   with priceCells = 1, which lets the suite compute built-in baselines on the matrix.
   */
  priceSecurities?: SecurityTable;
  close?: Float64Array;
  priceCells?: Uint8Array;
  /**
   * Built with `deferSize`: sizeProxy and capBucket are not computed yet (NaN / -1); this
   * holds what they are computed from. The caller completes them (completeSize on this
   * thread, or the suite's worker jobs in parallel) before any variant reads them.
   */
  pendingSize?: PendingSize;
}

/** What the size proxy is computed from: dollar volume (close x volume) and the window. */
export interface PendingSize {
  dollarVolume: Float64Array;
  window: number;
  minPeriods: number;
}

export interface PanelOptions {
  /** Trading calendar (pl.Date column `date`); default: the distinct dates of the prices. */
  calendar?: pl.DataFrame;
  /** security_id + label columns (e.g. sector). */
  groups?: pl.DataFrame | pl.LazyFrame;
  groupColumn?: string;
  fromOpen?: boolean;
  /** A cost column (bps per unit traded) to load from the prices or the risk frame. */
  costColumn?: string;
  /** Risk factor columns to load (from the prices or `risk`); 'size' = log of the size proxy. */
  factors?: string[];
  /** date, security_id + risk factor / cost columns. */
  risk?: pl.DataFrame | pl.LazyFrame;
  /** Window (calendar rows) and minimum observations of the size proxy. */
  sizeWindow?: number;
  sizeMinPeriods?: number;
  /** Also keep priceSecurities, close and priceCells (see XsPanel). */
  priceKeys?: boolean;
  /** Leave the size proxy and cap buckets to the caller (see XsPanel.pendingSize); ignored when the 'size' factor needs them now. */
  deferSize?: boolean;
}

export const SIZE_WINDOW = 60;
export const SIZE_MIN_PERIODS = 20;

export async function buildXsPanel(prices: pl.DataFrame | pl.LazyFrame, options: PanelOptions = {}): Promise<XsPanel> {
  const lazy = isLazy(prices) ? prices : prices.lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  for (const c of ['date', 'security_id', 'close']) {
    if (!(c in schema)) {
      throw new QuantbookError('MISSING_COLUMN', `price panel has no '${c}' column (columns: ${Object.keys(schema).join(', ')})`, 'pass a panel with date, security_id, open, high, low, close, volume');
    }
  }
  if (options.fromOpen && !('open' in schema)) {
    throw new QuantbookError('MISSING_COLUMN', "fromOpen needs an 'open' column in the price panel", 'load prices with an open column or set fromOpen: false');
  }
  const unavailable: Record<string, string> = {};
  const hasVolume = 'volume' in schema;
  if (!hasVolume) unavailable.cap = "the price panel has no 'volume' column, so there is no dollar-volume size proxy";

  let frame = lazy;
  const riskColumns = [...new Set([...(options.factors ?? []).filter((f) => f !== 'size'), ...(options.costColumn ? [options.costColumn] : [])])];
  const fromRisk: string[] = [];
  if (options.risk && riskColumns.length) {
    const risk = isLazy(options.risk) ? options.risk : options.risk.lazy();
    const riskSchema = (await risk.limit(0).collect()).schema;
    for (const c of riskColumns) if (!(c in schema) && c in riskSchema) fromRisk.push(c);
    if (fromRisk.length) frame = frame.join(risk.select('date', 'security_id', ...fromRisk), { on: ['date', 'security_id'], how: 'left' });
  }
  const available = new Set([...Object.keys(schema), ...fromRisk]);
  for (const c of riskColumns) {
    if (!available.has(c)) {
      const role = c === options.costColumn ? 'cost column' : 'risk factor';
      throw new QuantbookError('MISSING_COLUMN', `${role} '${c}' is in neither the price panel nor the risk frame`, `add a '${c}' column (date, security_id, ${c}) or choose another ${role}`);
    }
  }

  const numeric = ['close', ...(options.fromOpen ? ['open'] : []), ...(hasVolume ? ['volume'] : []), ...riskColumns];
  const rows = await cellRows(frame, numeric, 'price panel');
  const calendar = options.calendar ? await calendarDays(options.calendar) : distinctDays(rows.day);
  const T = calendar.length;
  const N = rows.securities.length;
  if (T < 2 || N === 0) {
    throw new QuantbookError('EMPTY_PANEL', `price panel has ${N} securities and ${T} dates`, 'the backtest needs at least 2 dates and 1 security');
  }
  const days = dayIndex(calendar);
  const cells = T * N;
  const priceSecurities = options.priceKeys ? securityTableFromRows(rows.code, rows.securities, rows.day, tradingCalendar(calendar)) : undefined;
  const priceCells = options.priceKeys ? uniqueRowCells(rows, days, N) ?? undefined : undefined;
  const dense = (name: string): Float64Array => {
    const out = sharedFloat64(cells).fill(NaN);
    scatter(rows, rows.columns[name], days, N, out);
    return out;
  };

  const close = dense('close');
  const { tradable: tradableClose, fwd: fwdClose } = forwardReturns(close, T, N);
  let tradableOpen: Uint8Array | undefined;
  let fwdOpen: Float64Array | undefined;
  if (options.fromOpen) ({ tradable: tradableOpen, fwd: fwdOpen } = forwardReturns(dense('open'), T, N));

  const sizeProxy = sharedFloat64(cells).fill(NaN);
  const capBucket = new Int8Array(new SharedArrayBuffer(cells)).fill(-1);
  let pendingSize: PendingSize | undefined;
  if (hasVolume) {
    const volume = dense('volume');
    // dollar volume, reusing the volume buffer
    for (let k = 0; k < cells; k++) volume[k] = close[k] * volume[k];
    pendingSize = { dollarVolume: volume, window: options.sizeWindow ?? SIZE_WINDOW, minPeriods: options.sizeMinPeriods ?? SIZE_MIN_PERIODS };
    if (!options.deferSize || (options.factors ?? []).includes('size')) {
      completeSize({ calendar, securities: rows.securities, sizeProxy, capBucket, pendingSize });
      pendingSize = undefined;
    }
  }

  const factors: Record<string, Float64Array> = {};
  for (const f of options.factors ?? []) {
    if (f === 'size') {
      if (!hasVolume) throw new QuantbookError('MISSING_COLUMN', "risk factor 'size' needs a 'volume' column (it is the log of the dollar-volume proxy)", 'add volume to the price panel or drop the size factor');
      const m = sharedFloat64(cells);
      for (let k = 0; k < cells; k++) m[k] = sizeProxy[k] > 0 ? Math.log(sizeProxy[k]) : NaN;
      factors.size = m;
    } else factors[f] = dense(f);
  }
  const costBps = options.costColumn ? dense(options.costColumn) : undefined;

  const groupColumn = options.groupColumn ?? 'sector';
  const groups = new Int32Array(new SharedArrayBuffer(4 * N)).fill(-1);
  let groupLabels: string[] = [];
  let hasGroups = false;
  if (options.groups) {
    const coded = await groupCodes(options.groups, groupColumn, rows.securities, groups);
    groupLabels = coded.labels;
    if (coded.missing) unavailable.industry = coded.missing;
    else if (!groupLabels.length) unavailable.industry = `every '${groupColumn}' label is empty`;
    else hasGroups = true;
  } else unavailable.industry = 'no group labels were given (the snapshot has no groups)';

  return {
    calendar, securities: rows.securities, tradableClose, fwdClose, tradableOpen, fwdOpen,
    groups, groupLabels, groupColumn: hasGroups ? groupColumn : undefined,
    sizeProxy, capBucket, costBps, costColumn: options.costColumn, factors, unavailable,
    ...(options.priceKeys && { priceSecurities, close, priceCells }),
    ...(pendingSize && { pendingSize }),
  };
}

/** Computes a deferred size proxy and its cap buckets on this thread (a no-op when nothing is pending). */
export function completeSize(panel: Pick<XsPanel, 'calendar' | 'securities' | 'sizeProxy' | 'capBucket' | 'pendingSize'>): void {
  const pending = panel.pendingSize;
  if (!pending) return;
  const T = panel.calendar.length;
  const N = panel.securities.length;
  trailingMedianKernel(pending.dollarVolume, T, N, pending.window, pending.minPeriods, panel.sizeProxy);
  capTercileKernel(panel.sizeProxy, T, N, panel.capBucket);
  delete panel.pendingSize;
}

/** tradable[t,i] = price finite and > 0; fwd[t,i] = p[t+1,i] / p[t,i] - 1 where both are tradable. */
export function forwardReturns(price: Float64Array, T: number, N: number): { tradable: Uint8Array; fwd: Float64Array } {
  const tradable = new Uint8Array(new SharedArrayBuffer(T * N));
  const fwd = sharedFloat64(T * N).fill(NaN);
  for (let k = 0; k < T * N; k++) tradable[k] = price[k] > 0 && price[k] < Infinity ? 1 : 0;
  for (let t = 0; t + 1 < T; t++) {
    const row = t * N;
    for (let i = 0; i < N; i++) {
      if (tradable[row + i] && tradable[row + N + i]) fwd[row + i] = price[row + N + i] / price[row + i] - 1;
    }
  }
  return { tradable, fwd };
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

async function groupCodes(
  groupsFrame: pl.DataFrame | pl.LazyFrame,
  column: string,
  securities: string[],
  out: Int32Array,
): Promise<{ labels: string[]; missing?: string }> {
  const lazy = isLazy(groupsFrame) ? groupsFrame : groupsFrame.lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  if (!('security_id' in schema)) {
    throw new QuantbookError('MISSING_COLUMN', `group labels need a security_id column (got: ${Object.keys(schema).join(', ')})`, 'pass snapshot.groups() or a frame of security_id + label columns');
  }
  const others = Object.keys(schema).filter((c) => c !== 'security_id');
  if (!(column in schema)) return { labels: [], missing: `the group labels have no '${column}' column (${others.length ? `label columns: ${others.join(', ')}` : 'no label columns at all'})` };
  const df = await lazy.select(pl.col('security_id').cast(pl.Utf8), pl.col(column).cast(pl.Utf8)).collect();
  const ids = df.getColumn('security_id').toArray() as string[];
  const values = df.getColumn(column).toArray() as (string | null)[];
  const labels = [...new Set(values.filter((v): v is string => v !== null && v !== ''))].sort();
  const code = new Map(labels.map((l, i) => [l, i]));
  const bySecurity = new Map<string, number>();
  ids.forEach((id, k) => {
    const v = values[k];
    if (v !== null && v !== '') bySecurity.set(id, code.get(v)!);
  });
  securities.forEach((s, i) => (out[i] = bySecurity.get(s) ?? -1));
  return { labels };
}

async function calendarDays(calendar: pl.DataFrame): Promise<Int32Array> {
  if (!calendar.columns.includes('date')) throw new QuantbookError('MISSING_COLUMN', "calendar frame has no 'date' column", 'pass snapshot.calendar()');
  const df = await calendar.lazy().select(pl.col('date').cast(pl.Date).cast(pl.Int32)).unique().sort('date').collect();
  return Int32Array.from(df.getColumn('date').toTypedArray() as Int32Array);
}

function isLazy(frame: pl.DataFrame | pl.LazyFrame): frame is pl.LazyFrame {
  return typeof (frame as pl.LazyFrame).collectSync === 'function';
}
