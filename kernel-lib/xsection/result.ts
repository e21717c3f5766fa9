import pl from 'nodejs-polars';
import { Counter, DayStatus, type LongShortOutputs } from '../kernels/xsection-longshort';
import { averageRanks } from '../kernels/xsection-rank';
import { pearson } from '../kernels/xsection-correlation';
import type { XsectionConfig } from './config';
import type { XsPanel } from './panel';
import { summaryRows, type SliceSummary } from './summary';
import type { VariantArrays } from './variant';

/** Rows dropped on the way from the signal file to the matrix, by reason (docs/xsection.md). */
export type DropCounts = Record<string, number>;

export interface XsDiagnostics {
  /** Per active date: tradable securities, of which with a signal, eligible after filters, coverage = eligible / tradable. */
  coverage: pl.DataFrame;
  mean_coverage: number;
  /** Share of (tradable security, active date) cells without a signal value. */
  missingness: number;
  dates_active: number;
  dates_traded: number;
  dates_skipped: { mincos: number; fractile: number; singular: number };
  /** ISO dates of every skipped date, with its reason. */
  skipped: { date: string; reason: 'mincos' | 'fractile' | 'singular' }[];
  /** Signal rows in, placed, and dropped by the contract, the matrix placement and the lag, by reason. */
  signal_rows: { input: number; traded_cells: number; dropped: DropCounts };
  /** Cell-level counts inside the active span (see docs/xsection.md "Diagnostics"). */
  cells: {
    eligible: number;
    not_tradable: number;
    no_group: number;
    missing_factor: number;
    held_missing_return: number;
    cost_fallback: number;
  };
  /** Parts of the analysis that could not run on this data, with the reason. */
  unavailable: Record<string, string>;
}

export interface XsectionResult {
  /** Variant name, e.g. 'lag1_industry'. */
  name: string;
  config: XsectionConfig;
  /** Overall, per year and per cap bucket (see SliceSummary). */
  summary: pl.DataFrame;
  summaryRows: SliceSummary[];
  /** Active dates: date, status, pnl_gross, cost, pnl_net, cum_gross, cum_net, drawdown, turnover, long_leg, short_leg, n_eligible, n_long, n_short, holdings_size, small_cap_share. */
  daily: pl.DataFrame;
  /** fractile (1 = lowest signal), mean_fwd_return (mean over dates of the per-date mean), dates. */
  fractiles: pl.DataFrame;
  /** Spearman correlation of fractile number vs mean forward return (1 = perfectly increasing). */
  monotonicity: number;
  diagnostics: XsDiagnostics;
  /** The raw arrays (length = calendar) for suites and charts. */
  arrays: VariantArrays;
  /** Headline numbers (overall row) for quick use: sharpe_net, sharpe_gross, ann_return_net, ... */
  metrics: Record<string, number>;
}

const STATUS_NAMES = ['inactive', 'traded', 'skipped_mincos', 'skipped_fractile', 'skipped_singular'];

export interface AssembleInput {
  panel: Pick<XsPanel, 'calendar' | 'securities' | 'tradableClose' | 'tradableOpen' | 'unavailable'>;
  signal: Float64Array;
  lagOffset: number;
  config: XsectionConfig;
  arrays: VariantArrays;
  name: string;
  signalRows: { input: number; dropped: DropCounts };
}

export function assembleResult(input: AssembleInput): XsectionResult {
  const { panel, config, arrays } = input;
  const out = arrays.overall;
  const T = panel.calendar.length;
  const rows = summaryRows(out, panel.calendar, config.periodsPerYear, arrays.cap);
  const active: number[] = [];
  for (let t = 0; t < T; t++) if (out.status[t] !== DayStatus.inactive) active.push(t);

  const pick = (a: ArrayLike<number>) => Float64Array.from(active, (t) => a[t]);
  const netActive = pick(out.net);
  const grossActive = pick(out.gross);
  const cumNet = compound(netActive);
  const cumGross = compound(grossActive);
  const dates = Int32Array.from(active, (t) => panel.calendar[t]);
  const daily = pl.DataFrame([
    pl.Series('date', dates).cast(pl.Date),
    pl.Series('status', active.map((t) => STATUS_NAMES[out.status[t]])),
    pl.Series('pnl_gross', grossActive),
    pl.Series('cost', pick(out.cost)),
    pl.Series('pnl_net', netActive),
    pl.Series('cum_gross', cumGross.cum),
    pl.Series('cum_net', cumNet.cum),
    pl.Series('drawdown', cumNet.drawdown),
    pl.Series('turnover', pick(out.turnover)),
    pl.Series('long_leg', pick(out.longLeg)),
    pl.Series('short_leg', pick(out.shortLeg)),
    pl.Series('n_eligible', Int32Array.from(active, (t) => out.eligible[t])),
    pl.Series('n_long', Int32Array.from(active, (t) => out.nLong[t])),
    pl.Series('n_short', Int32Array.from(active, (t) => out.nShort[t])),
    pl.Series('holdings_size', pick(out.holdingsSize)),
    pl.Series('small_cap_share', pick(out.smallShare)),
  ]);

  const B = config.fractileBuckets;
  const fractileMeans = Float64Array.from({ length: B }, (_, b) => (out.fractileDates[b] > 0 ? out.fractileSum[b] / out.fractileDates[b] : NaN));
  const fractiles = pl.DataFrame([
    pl.Series('fractile', Int32Array.from({ length: B }, (_, b) => b + 1)),
    pl.Series('mean_fwd_return', fractileMeans),
    pl.Series('dates', Int32Array.from(out.fractileDates)),
  ]);

  const diagnostics = diagnose(input, active);
  const overall = rows[0];
  const capShare = active.map((t) => out.smallShare[t]).filter((x) => x === x);
  const holdings = active.map((t) => out.holdingsSize[t]).filter((x) => x === x);
  const metrics: Record<string, number> = {
    sharpe_net: overall.sharpe_net,
    sharpe_gross: overall.sharpe_gross,
    ann_return_net: overall.ann_return_net,
    ann_return_gross: overall.ann_return_gross,
    ann_vol_net: overall.ann_vol_net,
    max_drawdown_net: overall.max_drawdown_net,
    turnover: overall.turnover,
    hit_rate: overall.hit_rate,
    cost_share: overall.cost_share,
    monotonicity: monotonicity(fractileMeans),
    small_cap_share: capShare.length ? capShare.reduce((a, b) => a + b, 0) / capShare.length : NaN,
    holdings_size_median: median(holdings),
    mean_coverage: diagnostics.mean_coverage,
    days: overall.days,
  };
  return {
    name: input.name,
    config,
    summary: summaryFrame(rows),
    summaryRows: rows,
    daily,
    fractiles,
    monotonicity: metrics.monotonicity,
    diagnostics,
    arrays,
    metrics,
  };
}

export function summaryFrame(rows: SliceSummary[]): pl.DataFrame {
  const num = (k: keyof SliceSummary) => pl.Series(k, Float64Array.from(rows, (r) => r[k] as number));
  return pl.DataFrame([
    pl.Series('slice_type', rows.map((r) => r.slice_type)),
    pl.Series('slice', rows.map((r) => r.slice)),
    pl.Series('days', Int32Array.from(rows, (r) => r.days)),
    pl.Series('traded_days', Int32Array.from(rows, (r) => r.traded_days)),
    num('ann_return_gross'), num('ann_return_net'), num('ann_vol_net'), num('sharpe_gross'), num('sharpe_net'),
    num('max_drawdown_net'), num('turnover'), num('hit_rate'), num('cost_share'),
  ]);
}

/** Compounded cumulative return and drawdown (equity starts at 1 before the first date). */
export function compound(r: Float64Array): { cum: Float64Array; drawdown: Float64Array } {
  const cum = new Float64Array(r.length);
  const drawdown = new Float64Array(r.length);
  let equity = 1;
  let peak = 1;
  for (let k = 0; k < r.length; k++) {
    equity *= 1 + r[k];
    if (equity > peak) peak = equity;
    cum[k] = equity - 1;
    drawdown[k] = equity / peak - 1;
  }
  return { cum, drawdown };
}

/** Spearman correlation of bucket number (1..B) with the bucket means, over buckets with data. */
export function monotonicity(means: Float64Array): number {
  const xs: number[] = [];
  const ys: number[] = [];
  means.forEach((m, b) => {
    if (m === m) {
      xs.push(b + 1);
      ys.push(m);
    }
  });
  const n = xs.length;
  if (n < 2) return NaN;
  return pearson(averageRanks(xs), averageRanks(ys), n);
}

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function diagnose(input: AssembleInput, active: number[]): XsDiagnostics {
  const { panel, config, arrays, signal, lagOffset } = input;
  const out = arrays.overall;
  const N = panel.securities.length;
  const T = panel.calendar.length;
  const tradable = (config.fromOpen ? panel.tradableOpen : panel.tradableClose)!;
  const counts = cellCounts(signal, tradable, T, N, lagOffset);
  const tradableCount = new Int32Array(active.length);
  const withSignal = new Int32Array(active.length);
  const eligible = new Int32Array(active.length);
  const coverage = new Float64Array(active.length);
  let cellsTradable = 0;
  let cellsWithSignal = 0;
  let tradedCells = 0;
  active.forEach((t, k) => {
    const nt = counts.tradable[t];
    tradableCount[k] = nt;
    withSignal[k] = counts.withSignal[t];
    eligible[k] = out.eligible[t];
    coverage[k] = nt > 0 ? out.eligible[t] / nt : NaN;
    cellsTradable += nt;
    cellsWithSignal += counts.withSignal[t];
    if (t - lagOffset >= 0) tradedCells += counts.finiteRow[t - lagOffset];
  });
  const skipped: XsDiagnostics['skipped'] = [];
  const reasons = { [DayStatus.skippedMincos]: 'mincos', [DayStatus.skippedFractile]: 'fractile', [DayStatus.skippedSingular]: 'singular' } as const;
  const skippedCount = { mincos: 0, fractile: 0, singular: 0 };
  let traded = 0;
  for (const t of active) {
    const s = out.status[t];
    if (s === DayStatus.traded) traded++;
    else if (s in reasons) {
      const reason = reasons[s as keyof typeof reasons];
      skippedCount[reason]++;
      skipped.push({ date: new Date(panel.calendar[t] * 86_400_000).toISOString().slice(0, 10), reason });
    }
  }
  const c = out.counters;
  const validCoverage = Array.from(coverage).filter((x) => x === x);
  return {
    coverage: pl.DataFrame([
      pl.Series('date', Int32Array.from(active, (t) => panel.calendar[t])).cast(pl.Date),
      pl.Series('tradable', tradableCount),
      pl.Series('with_signal', withSignal),
      pl.Series('eligible', eligible),
      pl.Series('coverage', coverage),
    ]),
    mean_coverage: validCoverage.length ? validCoverage.reduce((a, b) => a + b, 0) / validCoverage.length : NaN,
    missingness: cellsTradable > 0 ? 1 - cellsWithSignal / cellsTradable : NaN,
    dates_active: active.length,
    dates_traded: traded,
    dates_skipped: skippedCount,
    skipped,
    signal_rows: { input: input.signalRows.input, traded_cells: tradedCells, dropped: input.signalRows.dropped },
    cells: {
      eligible: c[Counter.eligibleCells],
      not_tradable: c[Counter.notTradable],
      no_group: c[Counter.noGroup],
      missing_factor: c[Counter.missingFactor],
      held_missing_return: c[Counter.heldMissingReturn],
      cost_fallback: c[Counter.costFallback],
    },
    unavailable: { ...panel.unavailable },
  };
}

interface CellCounts {
  /** Per date: tradable securities; tradable securities with a (lagged) signal. */
  tradable: Int32Array;
  withSignal: Int32Array;
  /** Per signal row: finite values. */
  finiteRow: Int32Array;
}

/**
 * Per-date counts for the diagnostics, computed once per (signal matrix, tradability, lag):
 * the residualization variants of a lag share them, which saves a full pass over the panel
 * per variant in a suite.
 */
const countCache = new WeakMap<Float64Array, Map<string, CellCounts>>();
const tradableIds = new WeakMap<Uint8Array, number>();
let nextTradableId = 0;

function cellCounts(signal: Float64Array, tradable: Uint8Array, T: number, N: number, lag: number): CellCounts {
  let id = tradableIds.get(tradable);
  if (id === undefined) tradableIds.set(tradable, (id = nextTradableId++));
  const key = `${id}|${lag}`;
  let bySignal = countCache.get(signal);
  if (!bySignal) countCache.set(signal, (bySignal = new Map()));
  const hit = bySignal.get(key);
  if (hit) return hit;
  const counts: CellCounts = { tradable: new Int32Array(T), withSignal: new Int32Array(T), finiteRow: new Int32Array(T) };
  for (let t = 0; t < T; t++) {
    const row = t * N;
    const sRow = (t - lag) * N;
    let nt = 0;
    let ns = 0;
    let nf = 0;
    for (let i = 0; i < N; i++) {
      if (signal[row + i] === signal[row + i]) nf++;
      if (tradable[row + i] !== 1) continue;
      nt++;
      if (t >= lag && signal[sRow + i] === signal[sRow + i]) ns++;
    }
    counts.tradable[t] = nt;
    counts.withSignal[t] = ns;
    counts.finiteRow[t] = nf;
  }
  bySignal.set(key, counts);
  return counts;
}
