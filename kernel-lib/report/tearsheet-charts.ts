import pl from 'nodejs-polars';
import { chart, type Chart, type Row } from '../plot/chart';
import type { BaselineCorrelation, SuiteResult } from '../suite/result';
import type { XsectionResult } from '../xsection/result';

/**
 * The tear sheet's charts as plain Chart specs (render with renderSvg, or show in a notebook).
 * Long daily series are thinned to at most MAX_POINTS points per line for drawing (every
 * k-th date plus the last): the tear sheet's numbers never come from the thinned series.
 */
const MAX_POINTS = 1200;
const WIDTH = 860;

export function cumulativeChart(results: XsectionResult[], title = 'Cumulative net return by variant'): Chart {
  const rows: Row[] = [];
  for (const r of results) {
    for (const row of seriesRows(r.daily, ['cum_net'], {})) rows.push({ date: row.date, value: row.cum_net, series: r.name });
  }
  return growthChart(rows, {
    title,
    subtitle: 'compounded daily net return (after costs) of the dollar-neutral long-short book',
    height: 320,
  });
}

export function grossNetChart(result: XsectionResult): Chart {
  const rows: Row[] = [];
  for (const [column, label] of [['cum_gross', 'gross'], ['cum_net', 'net']] as const) {
    for (const row of seriesRows(result.daily, [column], {})) rows.push({ date: row.date, value: row[column], series: label });
  }
  return growthChart(rows, { title: `Gross vs net: ${result.name}`, subtitle: `costs: ${costText(result)}`, height: 260, domain: ['gross', 'net'] });
}

/**
 * Cumulative returns as lines: in percent when the curves stay within a factor of 20, else as
 * the growth of $1 on a log scale (a curve that compounds to 10^20 would flatten every other).
 */
function growthChart(rows: Row[], o: { title: string; subtitle: string; height: number; domain?: string[] }): Chart {
  const equity = rows.map((r) => (r.value === null ? NaN : 1 + (r.value as number))).filter(Number.isFinite);
  const lo = equity.reduce((a, b) => (b < a ? b : a), 1);
  const hi = equity.reduce((a, b) => (b > a ? b : a), 1);
  const log = lo > 0 && hi / lo > 20;
  const data = log ? rows.map((r) => ({ ...r, value: r.value === null ? null : 1 + (r.value as number) })) : rows;
  return chart({
    title: o.title,
    subtitle: log ? `${o.subtitle}; growth of $1, log scale` : o.subtitle,
    width: WIDTH,
    height: o.height,
    x: { type: 'utc' },
    y: log ? { label: 'growth of $1 (log)', type: 'log', grid: true } : { label: 'cumulative return (%)', grid: true, percent: true },
    color: { legend: true, ...(o.domain && { domain: o.domain }) },
    data: { series: { rows: data, dateFields: ['date'] } },
    marks: [
      { type: 'ruleY', values: [log ? 1 : 0] },
      { type: 'line', data: 'series', options: { x: 'date', y: 'value', stroke: 'series', strokeWidth: 1.3 } },
    ],
  });
}

export function fractileChart(result: XsectionResult): Chart {
  const fr = result.fractiles;
  const b = fr.getColumn('fractile').toArray() as number[];
  const m = fr.getColumn('mean_fwd_return').toArray() as number[];
  const rows: Row[] = b.map((x, k) => ({ fractile: x, bps: Number.isFinite(m[k]) ? m[k] * 1e4 : null }));
  return chart({
    title: `Mean next-day return by signal fractile: ${result.name}`,
    subtitle: `monotonicity (Spearman of fractile vs mean) ${fmt(result.monotonicity, 2)}; 1 = lowest signal`,
    width: 520,
    height: 240,
    x: { type: 'band', label: 'fractile', domain: b },
    y: { label: 'mean return (bps/day)', grid: true },
    data: { f: { rows } },
    marks: [
      { type: 'barY', data: 'f', options: { x: 'fractile', y: 'bps', fill: '#4c78a8' } },
      { type: 'ruleY', values: [0] },
    ],
  });
}

/** Heatmap of net Sharpe: variant x slice (years or cap buckets), with the numbers written in. */
export function sliceSharpeChart(results: XsectionResult[], sliceType: 'year' | 'cap', title: string): Chart {
  const rows: Row[] = [];
  const slices: string[] = [];
  for (const r of results) {
    for (const s of r.summaryRows) {
      if (s.slice_type !== sliceType) continue;
      if (!slices.includes(s.slice)) slices.push(s.slice);
      rows.push({ variant: r.name, slice: s.slice, sharpe: Number.isFinite(s.sharpe_net) ? s.sharpe_net : null, label: fmt(s.sharpe_net, 2) });
    }
  }
  return chart({
    title,
    subtitle: 'net Sharpe ratio (annualized); green positive, red negative',
    width: Math.min(WIDTH, Math.max(520, 140 + 70 * slices.length)),
    height: 50 + 28 * results.length,
    marginLeft: 130,
    x: { type: 'band', label: '', domain: slices },
    y: { type: 'band', label: '', domain: results.map((r) => r.name) },
    color: { type: 'linear', scheme: 'RdYlGn', domain: [-3, 3], legend: false },
    data: { cells: { rows } },
    marks: [
      { type: 'cell', data: 'cells', options: { x: 'slice', y: 'variant', fill: 'sharpe', fillOpacity: 0.6, inset: 1 } },
      { type: 'text', data: 'cells', options: { x: 'slice', y: 'variant', text: 'label', fontSize: 11 } },
    ],
  });
}

export function turnoverChart(result: XsectionResult): Chart {
  const rows = rollingRows(result.daily, 'turnover', 21);
  return chart({
    title: `Daily turnover (21-day mean): ${result.name}`,
    subtitle: 'sum of |weight change| per dollar of capital; entering both legs from flat = 2',
    width: WIDTH,
    height: 220,
    x: { type: 'utc' },
    y: { label: 'turnover / day', grid: true, zero: true },
    data: { t: { rows, dateFields: ['date'] } },
    marks: [{ type: 'line', data: 't', options: { x: 'date', y: 'value', stroke: '#e45756' } }],
  });
}

export function holdingsSizeChart(result: XsectionResult): Chart {
  const rows = seriesRows(result.daily, ['holdings_size'], {}).filter((r) => r.holdings_size !== null && (r.holdings_size as number) > 0);
  return chart({
    title: `Liquidity of the holdings: ${result.name}`,
    subtitle: 'gross-weighted mean of the size proxy (trailing 60-day median dollar volume, USD)',
    width: WIDTH,
    height: 220,
    x: { type: 'utc' },
    y: { label: 'dollar volume (log)', type: 'log', grid: true },
    data: { h: { rows, dateFields: ['date'] } },
    marks: [{ type: 'line', data: 'h', options: { x: 'date', y: 'holdings_size', stroke: '#54a24b' } }],
  });
}

export function correlationChart(correlations: BaselineCorrelation[]): Chart {
  const rows: Row[] = [];
  for (const c of correlations) {
    if (!c.available) continue;
    rows.push({ label: `${c.baseline}: signal`, measure: 'signal (Spearman)', value: finite(c.signal_correlation) });
    rows.push({ label: `${c.baseline}: PnL`, measure: 'daily PnL (Pearson)', value: finite(c.pnl_correlation) });
  }
  return chart({
    title: 'Correlation with the baselines',
    subtitle: 'mean per-date cross-sectional Spearman of the signals; Pearson of daily net PnL (lag 0, raw)',
    width: 560,
    height: 70 + 24 * Math.max(2, rows.length),
    marginLeft: 150,
    x: { label: 'correlation', domain: [-1, 1], grid: true },
    y: { type: 'band', label: '' },
    color: { legend: true, domain: ['signal (Spearman)', 'daily PnL (Pearson)'] },
    data: { c: { rows } },
    marks: [
      { type: 'barX', data: 'c', options: { x: 'value', y: 'label', fill: 'measure' } },
      { type: 'ruleX', values: [0] },
    ],
  });
}

export function baselineCumulativeChart(suite: SuiteResult): Chart {
  const results = [suite.headline, ...suite.baselines.flatMap((b) => b.variants.filter((v) => v.name === suite.headline.name).map((v) => ({ ...v, name: b.name })))];
  const relabeled = results.map((r, k) => (k === 0 ? { ...r, name: `${suite.signalName} (signal)` } : r));
  return cumulativeChart(relabeled as XsectionResult[], `Signal vs baselines, cumulative net return (${suite.headline.name})`);
}

export function suiteCharts(suite: SuiteResult): Record<string, Chart> {
  return {
    cumulative: cumulativeChart(suite.signal.variants),
    gross_net: grossNetChart(suite.best),
    fractiles: fractileChart(suite.headline),
    sharpe_by_year: sliceSharpeChart(suite.signal.variants, 'year', 'Net Sharpe by year'),
    sharpe_by_cap: sliceSharpeChart(suite.signal.variants, 'cap', 'Net Sharpe by cap bucket (within-bucket portfolios)'),
    turnover: turnoverChart(suite.headline),
    holdings_size: holdingsSizeChart(suite.headline),
    correlations: correlationChart(suite.correlations),
    baselines: baselineCumulativeChart(suite),
  };
}

function seriesRows(daily: pl.DataFrame, columns: string[], extra: Row): Row[] {
  const days = daily.getColumn('date').cast(pl.Int32).toTypedArray() as Int32Array;
  const values = columns.map((c) => daily.getColumn(c).cast(pl.Float64).toTypedArray() as Float64Array);
  const step = Math.max(1, Math.ceil(days.length / MAX_POINTS));
  const rows: Row[] = [];
  for (let k = 0; k < days.length; k += step) rows.push(row(k));
  if (days.length && (days.length - 1) % step !== 0) rows.push(row(days.length - 1));
  return rows;

  function row(k: number): Row {
    const r: Row = { date: isoDay(days[k]), ...extra };
    columns.forEach((c, j) => (r[c] = finite(values[j][k])));
    return r;
  }
}

function rollingRows(daily: pl.DataFrame, column: string, window: number): Row[] {
  const days = daily.getColumn('date').cast(pl.Int32).toTypedArray() as Int32Array;
  const v = daily.getColumn(column).cast(pl.Float64).toTypedArray() as Float64Array;
  const step = Math.max(1, Math.ceil(days.length / MAX_POINTS));
  const rows: Row[] = [];
  let sum = 0;
  let count = 0;
  for (let k = 0; k < v.length; k++) {
    if (v[k] === v[k]) {
      sum += v[k];
      count++;
    }
    if (k >= window && v[k - window] === v[k - window]) {
      sum -= v[k - window];
      count--;
    }
    if (k >= window - 1 && (k % step === 0 || k === v.length - 1)) rows.push({ date: isoDay(days[k]), value: count ? sum / count : null });
  }
  return rows;
}

function costText(r: XsectionResult): string {
  return r.config.tcModel === 'naive' ? `${r.config.costBps} bps per unit of turnover` : `spread model from '${r.config.costColumn}' (${r.config.costBps} bps where missing)`;
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}
