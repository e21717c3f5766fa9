import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { runResearchPass } from './parallel-pass';
import type { ResearchDaily } from './analyze';
import type { ResearchPassInput } from '../kernels/xs-research-pass';
import { panelLabels } from './labels';
import type { ResearchPanel } from './panel';
import { benchmarkLevels, equalWeightIndex, regimeMask, trendRegime, volatilityRegime, yearRegime, type DateRegime } from './regimes';
import { summarizeSignal, type SignalResearch } from './signal-summary';
import type { SignalCells } from './signal-cells';
import type { SnapshotSource } from './signal-source';

export interface RegimeOptions {
  /** bull/bear: the index above/below its trendWindow-bar SMA (default true). */
  trend?: boolean;
  /** high/low volatility: the index's rolling volatility vs its expanding median (default true). */
  volatility?: boolean;
  /** Calendar year (default true). */
  year?: boolean;
  /** A benchmark (date, close) to use instead of the universe's equal-weight index. */
  benchmark?: pl.DataFrame | pl.LazyFrame;
  trendWindow?: number;
  volatilityWindow?: number;
  /** Group label columns of the snapshot's groups() (e.g. 'sector'): statistics within each group. */
  groups?: string | string[];
  /** Any label column: a frame with date and/or security_id and the column (research/labels.ts). */
  labels?: { frame: pl.DataFrame | pl.LazyFrame; column: string }[];
}

/** Every statistic of every signal, conditional on one label of one regime. */
export interface RegimeSlice {
  regime: string;
  label: string;
  /** 'date' (the label marks whole dates) or 'security' / 'cell' (statistics within the group on each date). */
  level: 'date' | 'security' | 'cell';
  /** Dates carrying the label (date level) or dates with any used name in the group. */
  dates: number;
  signals: SignalResearch[];
}

export interface RegimeReport {
  /** 'equal_weight' (the universe's equal-weight index) or 'benchmark'. */
  index: 'equal_weight' | 'benchmark';
  date_regimes: DateRegime[];
  slices: RegimeSlice[];
  /** Per regime: dates (date level) or price rows (group level) without a label, left out of its slices. */
  unlabelled: Record<string, number>;
}

interface SliceArgs {
  panel: ResearchPanel;
  signals: SignalCells[];
  /** How the pass gets forward returns (research/analyze.ts). */
  forwardFrom: NonNullable<ResearchPassInput['forwardFrom']>;
  daily: ResearchDaily;
  options: RegimeOptions;
  snapshot?: SnapshotSource;
  threads?: number;
}

export async function regimeSlices(args: SliceArgs): Promise<RegimeReport> {
  const { panel, daily, options } = args;
  const level = options.benchmark ? await benchmarkLevels(options.benchmark, panel.calendar, panel.timeUnit) : equalWeightIndex(panel);
  const dateRegimes: DateRegime[] = [];
  if (options.trend !== false) dateRegimes.push(trendRegime(level, options.trendWindow));
  if (options.volatility !== false) dateRegimes.push(volatilityRegime(level, options.volatilityWindow));
  if (options.year !== false) dateRegimes.push(yearRegime(panel.calendar, panel.timeUnit));

  const groupLabels: { frame: pl.DataFrame | pl.LazyFrame; column: string }[] = [];
  for (const column of typeof options.groups === 'string' ? [options.groups] : options.groups ?? []) {
    if (!args.snapshot?.groups) {
      throw new QuantbookError('BAD_PARAMETER', `regimes.groups '${column}' needs a snapshot with group labels`, 'pass snapshot (e.g. openSample()) or give the labels as regimes.labels: [{frame, column}]');
    }
    groupLabels.push({ frame: args.snapshot.groups(), column });
  }
  const unlabelled: Record<string, number> = {};
  const grouped: { name: string; level: 'security' | 'cell'; labels: string[]; codes: Int32Array }[] = [];
  for (const { frame, column } of [...groupLabels, ...(options.labels ?? [])]) {
    const labels = await panelLabels(frame, column, panel);
    unlabelled[column] = labels.unlabelled;
    if (labels.level === 'date') dateRegimes.push(labels.regime);
    else grouped.push({ name: labels.name, level: labels.level, labels: labels.labels, codes: labels.codes });
  }

  const ctx = { horizons: daily.horizons, quantiles: daily.quantiles, lags: daily.lags, groups: 1, group: 0 };
  const slices: RegimeSlice[] = [];
  for (const regime of dateRegimes) {
    if (!(regime.name in unlabelled)) unlabelled[regime.name] = regime.codes.filter((c) => c < 0).length;
    regime.labels.forEach((label, code) => {
      const mask = regimeMask(regime, code);
      const dates = mask.reduce((a, b) => a + b, 0);
      slices.push({
        regime: regime.name, label, level: 'date', dates,
        signals: daily.signals.map((name, s) => summarizeSignal(name, daily.pass.signals[s], { ...ctx, dateMask: mask })),
      });
    });
  }
  for (const g of grouped) {
    const pass = await runResearchPass({
      dates: panel.dates,
      securities: panel.size,
      signals: args.signals.map((s) => s.values),
      forward: [],
      forward1: null,
      forwardFrom: args.forwardFrom,
      quantiles: daily.quantiles,
      lags: daily.lags,
      groups: { codes: g.codes, perCell: g.level === 'cell', count: g.labels.length },
      correlation: false,
    }, { threads: args.threads });
    g.labels.forEach((label, code) => {
      const signals = daily.signals.map((name, s) => summarizeSignal(name, pass.signals[s], { ...ctx, groups: g.labels.length, group: code, dateMask: null }));
      slices.push({ regime: g.name, label, level: g.level, dates: Math.max(0, ...signals.map((x) => x.dates)), signals });
    });
  }
  return { index: options.benchmark ? 'benchmark' : 'equal_weight', date_regimes: dateRegimes, slices, unlabelled };
}

/** One row per (slice, signal) at one horizon: the regime comparison table. */
export interface RegimeRow {
  regime: string;
  label: string;
  signal: string;
  horizon: number;
  dates: number;
  rows_used: number;
  ic_mean: number;
  icir: number;
  t_stat: number;
  spread: number;
  monotonicity: number;
  autocorrelation: number;
}

export function regimeRows(report: RegimeReport, horizon: number): RegimeRow[] {
  const rows: RegimeRow[] = [];
  for (const slice of report.slices) {
    for (const s of slice.signals) {
      const h = s.horizons.find((x) => x.horizon === horizon);
      if (!h) throw new QuantbookError('BAD_PARAMETER', `parameter 'horizon': ${horizon} was not researched`, `choose one of ${s.horizons.map((x) => x.horizon).join(', ')}`);
      rows.push({
        regime: slice.regime, label: slice.label, signal: s.signal, horizon, dates: s.dates, rows_used: s.rows_used,
        ic_mean: h.ic_mean, icir: h.icir, t_stat: h.t_stat, spread: h.spread, monotonicity: h.monotonicity, autocorrelation: s.autocorrelation,
      });
    }
  }
  return rows;
}

/** The regime table as a polars frame. */
export function regimeFrame(report: RegimeReport, horizon: number): pl.DataFrame {
  const rows = regimeRows(report, horizon);
  const num = (k: keyof RegimeRow) => pl.Series(k, Float64Array.from(rows.map((r) => r[k] as number)));
  return pl.DataFrame([
    pl.Series('regime', rows.map((r) => r.regime), pl.Utf8),
    pl.Series('label', rows.map((r) => r.label), pl.Utf8),
    pl.Series('signal', rows.map((r) => r.signal), pl.Utf8),
    pl.Series('horizon', Int32Array.from(rows.map((r) => r.horizon))),
    num('dates'), num('rows_used'), num('ic_mean'), num('icir'), num('t_stat'), num('spread'), num('monotonicity'), num('autocorrelation'),
  ]);
}

/**
 * The seed's "dictionary of regimes" for one signal and horizon: IC mean overall and per slice,
 * keyed 'overall', 'trend:bull', 'trend:bear', 'volatility:high_vol', 'year:2015', 'sector:Energy', ...
 */
export function icByRegime(report: RegimeReport, overall: SignalResearch, horizon: number): Record<string, number> {
  const pick = (s: SignalResearch) => s.horizons.find((h) => h.horizon === horizon)?.ic_mean ?? NaN;
  const out: Record<string, number> = { overall: pick(overall) };
  for (const slice of report.slices) {
    const s = slice.signals.find((x) => x.signal === overall.signal);
    if (s) out[`${slice.regime}:${slice.label}`] = pick(s);
  }
  return out;
}
