import { QuantbookError } from '../errors';
import { chart, type Chart, type Row } from '../plot/chart';
import type { ResearchResult } from './analyze';
import { panelDate } from './panel';
import { rollingMean } from './ic';
import { cumulativeBucketReturns } from './quantiles';
import { regimeRows } from './slices';

/**
 * Chart specs for factor research (plain data: render with renderSvg(), show in a notebook
 * with chartMimeBundle()). Each takes a ResearchResult and picks a signal / horizon.
 */

/** Per-date IC (thin) with its trailing mean over `window` dates (bold) and a zero line. */
export function icSeriesChart(result: ResearchResult, signal: string, horizon?: number, options: { window?: number } = {}): Chart {
  const s = signalIndex(result, signal);
  const h = horizonIndex(result, horizon);
  const window = options.window ?? 63;
  const ic = result.daily.pass.signals[s].ic[h];
  const mean = rollingMean(ic, window);
  const rows: Row[] = [];
  for (let t = 0; t < ic.length; t++) {
    if (ic[t] !== ic[t]) continue;
    rows.push({ date: dateOf(result, t), ic: ic[t], mean: mean[t] === mean[t] ? mean[t] : null });
  }
  const stats = result.signals[s].horizons[h];
  return chart({
    title: `${signal}: daily Spearman IC, ${result.horizons[h]}-bar forward returns`,
    subtitle: `mean ${fmt(stats.ic_mean)}, ICIR ${fmt(stats.icir)}, t ${fmt(stats.t_stat, 1)}; bold: trailing ${window}-date mean`,
    x: { type: 'utc', label: 'date' },
    y: { label: 'IC', grid: true },
    data: { ic: { rows, dateFields: ['date'] } },
    marks: [
      { type: 'ruleY', values: [0], options: { stroke: '#888' } },
      { type: 'line', data: 'ic', options: { x: 'date', y: 'ic', stroke: '#9ab', strokeWidth: 0.6 } },
      { type: 'line', data: 'ic', options: { x: 'date', y: 'mean', stroke: '#c33', strokeWidth: 2 } },
    ],
  });
}

/** IC mean against horizon, one line per signal: how fast the signal's information decays. */
export function icDecayChart(result: ResearchResult, signals?: string[]): Chart {
  const names = signals ?? result.daily.signals;
  const rows: Row[] = [];
  for (const name of names) {
    const s = result.signals[signalIndex(result, name)];
    for (const h of s.horizons) rows.push({ signal: name, horizon: h.horizon, ic_mean: Number.isFinite(h.ic_mean) ? h.ic_mean : null });
  }
  return chart({
    title: 'IC decay: mean Spearman IC by forward-return horizon',
    subtitle: 'the horizon where the IC fades is the natural holding period',
    x: { label: 'horizon (bars)', grid: true },
    y: { label: 'IC mean', grid: true },
    color: { type: 'ordinal', scheme: 'Tableau10', legend: true },
    data: { decay: { rows } },
    marks: [
      { type: 'ruleY', values: [0], options: { stroke: '#888' } },
      { type: 'line', data: 'decay', options: { x: 'horizon', y: 'ic_mean', stroke: 'signal', strokeWidth: 2 } },
      { type: 'dot', data: 'decay', options: { x: 'horizon', y: 'ic_mean', fill: 'signal', r: 3 } },
    ],
  });
}

/** Mean forward return per quantile bucket (the monotonicity check). */
export function quantileReturnsChart(result: ResearchResult, signal: string, horizon?: number, options: { demeaned?: boolean } = {}): Chart {
  if (!result.quantiles) throw new QuantbookError('NO_QUANTILES', 'this research ran with quantiles = 0', 'run researchSignals with quantiles: 5 (or more)');
  const s = signalIndex(result, signal);
  const h = horizonIndex(result, horizon);
  const stats = result.signals[s].horizons[h];
  const values = options.demeaned ? stats.quantile_mean_demeaned : stats.quantile_mean_returns;
  const labels = values.map((_, b) => `Q${b + 1}`);
  const rows: Row[] = values.map((v, b) => ({ bucket: labels[b], mean_return: Number.isFinite(v) ? v : null, sign: v >= 0 ? 'up' : 'down' }));
  return chart({
    title: `${signal}: mean ${result.horizons[h]}-bar forward return by quantile${options.demeaned ? ' (demeaned by date)' : ''}`,
    subtitle: `Q1 = lowest signal; spread Q${values.length}-Q1 ${pct(stats.spread)} (t ${fmt(stats.spread_t_stat, 1)}), monotonicity ${fmt(stats.monotonicity)}`,
    x: { type: 'band', label: 'quantile', domain: labels },
    y: { label: 'mean forward return (%)', grid: true, percent: true },
    color: { type: 'ordinal', domain: ['up', 'down'], scheme: 'Tableau10', legend: false },
    data: { buckets: { rows } },
    marks: [
      { type: 'barY', data: 'buckets', options: { x: 'bucket', y: 'mean_return', fill: 'sign' } },
      { type: 'ruleY', values: [0], options: { stroke: '#444' } },
    ],
  });
}

/** Growth of 1 in each quantile bucket (equal weight, rebalanced every bar, 1-bar returns, no costs). */
export function cumulativeReturnsChart(result: ResearchResult, signal: string): Chart {
  const s = signalIndex(result, signal);
  const pass = result.daily.pass.signals[s];
  if (!pass.bucketMean1) throw new QuantbookError('NO_QUANTILES', 'this research ran with quantiles = 0', 'run researchSignals with quantiles: 5 (or more)');
  const k = result.quantiles;
  const curves = cumulativeBucketReturns(pass.bucketMean1, k);
  const rows: Row[] = [];
  const T = curves[0].length;
  // start on the first date with buckets (long-lookback signals have none for their first year)
  let first = 0;
  while (first < T && !(pass.bucketCount.subarray(first * k, (first + 1) * k).some((n) => n > 0))) first++;
  const step = Math.max(1, Math.floor((T - first) / 1500));
  for (let t = first; t < T; t += step) for (let b = 0; b < k; b++) rows.push({ date: dateOf(result, t), bucket: `Q${b + 1}`, growth: curves[b][t] });
  return chart({
    title: `${signal}: cumulative return by quantile`,
    subtitle: 'growth of 1, equal weight within each bucket, rebalanced every bar, no costs (Q1 = lowest signal)',
    x: { type: 'utc', label: 'date' },
    y: { label: 'growth of 1', grid: true },
    color: { type: 'ordinal', domain: curves.map((_, b) => `Q${b + 1}`), scheme: 'Turbo', legend: true },
    data: { growth: { rows, dateFields: ['date'] } },
    marks: [
      { type: 'ruleY', values: [1], options: { stroke: '#888' } },
      { type: 'line', data: 'growth', options: { x: 'date', y: 'growth', stroke: 'bucket', strokeWidth: 1.5 } },
    ],
  });
}

/** IC mean per regime slice (bull/bear, high/low vol, years, groups): one panel per signal, one bar per slice. */
export function regimeChart(result: ResearchResult, horizon?: number, options: { regimes?: string[] } = {}): Chart {
  if (!result.regimes) throw new QuantbookError('NO_REGIMES', 'this research ran with regimes: false', 'run researchSignals without regimes: false');
  const h = result.horizons[horizonIndex(result, horizon)];
  const allRows = regimeRows(result.regimes, h).filter((r) => !options.regimes || options.regimes.includes(r.regime));
  // each slice labelled with the most dates any signal used in it: few dates, noisy bar
  const datesOf = new Map<string, number>();
  for (const r of allRows) datesOf.set(`${r.regime}: ${r.label}`, Math.max(datesOf.get(`${r.regime}: ${r.label}`) ?? 0, r.dates));
  const overallDates = Math.max(...result.signals.map((s) => s.dates));
  const overall = result.signals.map((s) => ({ slice: `overall (${overallDates} d)`, signal: s.signal, ic_mean: s.horizons.find((x) => x.horizon === h)!.ic_mean }));
  const sliced = allRows.map((r) => ({ slice: `${r.regime}: ${r.label} (${datesOf.get(`${r.regime}: ${r.label}`)} d)`, signal: r.signal, ic_mean: r.ic_mean }));
  const rows: Row[] = [...overall, ...sliced].map((r) => ({
    ...r,
    ic_mean: Number.isFinite(r.ic_mean) ? r.ic_mean : null,
    sign: r.ic_mean >= 0 ? 'positive' : 'negative',
  }));
  const slices = [...new Set(rows.map((r) => String(r.slice)))];
  const signals = result.daily.signals;
  const marginLeft = 16 + 6.2 * Math.max(...slices.map((x) => x.length));
  return chart({
    title: `IC mean by regime, ${h}-bar forward returns`,
    subtitle: 'a signal that only works in one regime shows it here',
    width: Math.round(Math.max(560, marginLeft + 260 * signals.length)),
    height: 60 + slices.length * 18,
    marginLeft: Math.round(marginLeft),
    fx: { domain: signals, label: '' },
    y: { type: 'band', domain: slices, label: '' },
    x: { label: 'IC mean', grid: true },
    color: { type: 'ordinal', domain: ['positive', 'negative'], scheme: 'Tableau10', legend: false },
    data: { regimes: { rows } },
    marks: [
      { type: 'barX', data: 'regimes', options: { fx: 'signal', y: 'slice', x: 'ic_mean', fill: 'sign', tip: true } },
      { type: 'ruleX', values: [0], options: { stroke: '#444' } },
    ],
  });
}

/** Heatmap of the mean per-date Spearman correlation between signals. */
export function correlationHeatmap(result: ResearchResult): Chart {
  const corr = result.correlation;
  if (!corr) throw new QuantbookError('NO_CORRELATION', 'this research has no signal correlation matrix (fewer than 2 signals, or correlation: false)', 'research 2 or more signals');
  const rows: Row[] = [];
  corr.signals.forEach((a, i) =>
    corr.signals.forEach((b, j) => {
      const v = corr.matrix[i][j];
      rows.push({ a, b, value: Number.isFinite(v) ? v : null, text: Number.isFinite(v) ? v.toFixed(2) : '', ink: Math.abs(v) > 0.6 ? 'white' : 'black' });
    }),
  );
  const n = corr.signals.length;
  const longest = Math.max(...corr.signals.map((x) => x.length));
  // cells at least as wide as the longest name, so the x labels never overlap
  const size = Math.max(48, Math.round(7 * longest + 8));
  const marginLeft = Math.round(7 * longest + 16);
  return chart({
    title: 'Signal correlation (mean per-date Spearman)',
    subtitle: `pairs with |correlation| >= ${corr.threshold} are duplicates: ${corr.duplicates.length ? corr.duplicates.map((d) => `${d.a} ~ ${d.b}`).join(', ') : 'none'}`,
    width: Math.max(560, marginLeft + n * size + 20),
    height: 60 + n * size,
    marginLeft,
    marginBottom: 40,
    x: { type: 'band', domain: corr.signals, label: '' },
    y: { type: 'band', domain: corr.signals, label: '' },
    color: { type: 'linear', scheme: 'RdBu', domain: [-1, 1], legend: false },
    data: { cells: { rows } },
    marks: [
      { type: 'cell', data: 'cells', options: { x: 'a', y: 'b', fill: 'value', inset: 1 } },
      { type: 'text', data: 'cells', options: { x: 'a', y: 'b', text: 'text', fill: 'ink', fontSize: 12 } },
    ],
  });
}

function signalIndex(result: ResearchResult, signal: string): number {
  const s = result.daily.signals.indexOf(signal);
  if (s < 0) throw new QuantbookError('UNKNOWN_SIGNAL', `signal '${signal}' is not in this research`, `choose from ${result.daily.signals.join(', ')}`);
  return s;
}

function horizonIndex(result: ResearchResult, horizon?: number): number {
  if (horizon === undefined) return 0;
  const h = result.horizons.indexOf(horizon);
  if (h < 0) throw new QuantbookError('BAD_PARAMETER', `parameter 'horizon': ${horizon} was not researched`, `choose one of ${result.horizons.join(', ')}`);
  return h;
}

function dateOf(result: ResearchResult, t: number): string {
  return panelDate(result.daily, t);
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a';
}
