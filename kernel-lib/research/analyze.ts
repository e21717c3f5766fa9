import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import type { ResearchPass } from '../kernels/xs-research-pass';
import { runResearchPass } from './parallel-pass';
import { runtimeVersions, type RuntimeVersions } from '../tracking/versions';
import { dataLoss } from './coverage';
import { signalCorrelation, DEFAULT_DUPLICATE_THRESHOLD, type SignalCorrelation } from './correlation';
import { checkHorizons, DEFAULT_HORIZONS, forwardPrices } from './forward-returns';
import { panelDate, researchPanel, type ResearchPanel } from './panel';
import { regimeSlices, type RegimeOptions, type RegimeReport } from './slices';
import { summarizeSignal, type SignalResearch } from './signal-summary';
import { loadSignals, type SignalSource, type SnapshotSource } from './signal-source';

export const DEFAULT_QUANTILES = 5;
export const DEFAULT_LAGS = [1, 5, 21];

export interface ResearchInput {
  /** Where prices come from: a catalog snapshot, a price panel, or a panel already built. */
  snapshot?: SnapshotSource;
  prices?: pl.DataFrame | pl.LazyFrame;
  panel?: ResearchPanel;
  /** Signals by name: a built-in name ('momentum_12_1'), a signal-contract table, or `{cells}` on the panel. An array lists built-in names. */
  signals: Record<string, SignalSource> | string[];
  /** Forward-return horizons in bars (default 1, 5, 10, 20). */
  horizons?: number[];
  /** Buckets per date (default 5; 0 skips quantiles and turnover). */
  quantiles?: number;
  /** Lags (dates) for rank autocorrelation and bucket turnover (default 1, 5, 21; the first is the headline). */
  lags?: number[];
  /** Signal correlation matrix (default true when there are 2+ signals). */
  correlation?: boolean;
  /** |correlation| at or above which two signals are flagged as duplicates (default 0.8). */
  duplicateThreshold?: number;
  /** Keep only securities with a bar on every date. */
  fullHistoryOnly?: boolean;
  /** Regime slices (default: trend, volatility and year; groups and labels when asked). false = none. */
  regimes?: RegimeOptions | false;
  /** Threads for the pass over dates (default: all cores for large panels; 1 = the calling thread only). */
  threads?: number;
}

export interface ResearchIdentity {
  created_at: string;
  params: {
    horizons: number[];
    quantiles: number;
    lags: number[];
    full_history_only: boolean;
    duplicate_threshold: number;
    timing: string;
  };
  data: {
    snapshot_id: string | null;
    snapshot_name: string | null;
    content_hash: string | null;
    securities: number;
    dates: number;
    start: string;
    end: string;
    excluded_securities: string[];
  };
  signals: Record<string, { source: 'builtin' | 'table' | 'cells'; input_rows: number }>;
  versions: RuntimeVersions;
}

/** The per-date series behind every number (for charts and frames; docs/research.md). */
export interface ResearchDaily {
  calendar: Int32Array | Float64Array;
  timeUnit: 'day' | 'ms';
  signals: string[];
  horizons: number[];
  quantiles: number;
  lags: number[];
  pass: ResearchPass;
}

export interface ResearchResult {
  identity: ResearchIdentity;
  horizons: number[];
  quantiles: number;
  lags: number[];
  /** One summary per signal over the whole panel, in input order. */
  signals: SignalResearch[];
  correlation: SignalCorrelation | null;
  regimes: RegimeReport | null;
  daily: ResearchDaily;
}

export const TIMING =
  'a signal row available on date d (date_avail) is used at the first bar strictly after d (contract alignment, lag 0); ' +
  'forward returns run from that bar\'s close: fwd_h[t] = close[t+h] / close[t] - 1 by position within each security';

/**
 * Factor research for one or many signals in one pass over the dates: IC, decay over horizons,
 * quantiles, autocorrelation, turnover, coverage, signal correlations and regime slices.
 * Forward returns are computed once per call and shared by every signal; a (date, security)
 * row is used only when the signal and every requested horizon's forward return exist.
 */
export async function researchSignals(input: ResearchInput): Promise<ResearchResult> {
  const horizons = checkHorizons(input.horizons ?? DEFAULT_HORIZONS, 'horizons');
  const quantiles = checkQuantiles(input.quantiles ?? DEFAULT_QUANTILES);
  const lags = checkLags(input.lags ?? DEFAULT_LAGS);
  const threshold = input.duplicateThreshold ?? DEFAULT_DUPLICATE_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) throw new QuantbookError('BAD_PARAMETER', `parameter 'duplicateThreshold' must be between 0 and 1, got ${threshold}`);

  const prices = input.prices ?? input.snapshot?.prices({ columns: ['close'] });
  if (!input.panel && !prices) {
    throw new QuantbookError('BAD_PARAMETER', 'researchSignals needs prices: pass snapshot, prices or panel', "e.g. researchSignals({ snapshot: await openSample(), signals: ['momentum_12_1'] })");
  }
  const panel = input.panel ?? (await researchPanel(prices!, { fullHistoryOnly: input.fullHistoryOnly }));
  const signals = await loadSignals(input.signals, panel, { prices, snapshot: input.snapshot });
  const names = signals.map((s) => s.name);

  // forward returns are computed date by date inside the pass (same numbers as forwardReturns)
  const forwardFrom = { prices: forwardPrices(panel), horizons, oneBar: quantiles > 0 };
  const wantCorrelation = (input.correlation ?? true) && signals.length > 1;
  const pass = await runResearchPass({
    dates: panel.dates,
    securities: panel.size,
    signals: signals.map((s) => s.values),
    forward: [],
    forward1: null,
    forwardFrom,
    quantiles,
    lags,
    groups: null,
    correlation: wantCorrelation,
  }, { threads: input.threads });

  // every price row has its own cell (researchPanel rejects duplicates)
  const panelRows = panel.rows.rowCount;
  const ctx = { horizons, quantiles, lags, groups: 1, group: 0, dateMask: null };
  const summaries = signals.map((s, j) => ({
    ...summarizeSignal(s.name, pass.signals[j], ctx),
    data_loss: dataLoss(pass.signals[j], panelRows, quantiles, s.dropped),
  }));
  const correlation = wantCorrelation ? signalCorrelation(names, pass.pairs, threshold) : null;

  const daily: ResearchDaily = { calendar: panel.calendar, timeUnit: panel.timeUnit, signals: names, horizons, quantiles, lags, pass };
  const regimes =
    input.regimes === false
      ? null
      : await regimeSlices({ panel, signals, forwardFrom, daily, options: input.regimes ?? {}, snapshot: input.snapshot, threads: input.threads });

  const manifest = input.snapshot?.manifest;
  return {
    identity: {
      created_at: new Date().toISOString(),
      params: { horizons, quantiles, lags, full_history_only: !!input.fullHistoryOnly, duplicate_threshold: threshold, timing: TIMING },
      data: {
        snapshot_id: manifest?.snapshot_id ?? null,
        snapshot_name: manifest?.name ?? null,
        content_hash: manifest?.content_hash ?? null,
        securities: panel.size,
        dates: panel.dates,
        start: panel.dates ? panelDate(panel, 0) : '',
        end: panel.dates ? panelDate(panel, panel.dates - 1) : '',
        excluded_securities: panel.excludedSecurities,
      },
      signals: Object.fromEntries(signals.map((s) => [s.name, { source: s.source, input_rows: s.input_rows }])),
      versions: runtimeVersions(),
    },
    horizons,
    quantiles,
    lags,
    signals: summaries,
    correlation,
    regimes,
    daily,
  };
}

export function checkQuantiles(k: number): number {
  if (!Number.isInteger(k) || k < 0 || k === 1 || k > 1000) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'quantiles' must be a whole number from 2 to 1000 (or 0 for none), got ${String(k)}`, 'e.g. quantiles: 5 (quintiles) or 10 (deciles)');
  }
  return k;
}

export function checkLags(lags: number[]): number[] {
  const out: number[] = [];
  for (const l of lags) {
    if (!Number.isInteger(l) || l < 1 || l > 10_000) {
      throw new QuantbookError('BAD_PARAMETER', `parameter 'lags': ${String(l)} is not a whole number of dates from 1 to 10000`, 'e.g. lags: [1, 5, 21]');
    }
    if (!out.includes(l)) out.push(l);
  }
  return out;
}
