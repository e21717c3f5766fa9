import pl from 'nodejs-polars';
import { dayToIso } from '../kernels/bridge';
import { rollingBetaKernel, rollingSharpeKernel } from '../kernels/metrics-rolling';
import { chart, type Chart, type Row } from '../plot/chart';
import type { BacktestResult } from './result';

/** At most this many points per line; longer series are thinned (every k-th bar; bucket minimum for drawdown). */
const MAX_POINTS = 2500;

export interface RollingOptions {
  /** Trailing window in bars. Default 126 (about six months of daily bars). */
  window?: number;
}

/** Every backtest chart by name (equity, underwater, rolling_sharpe, rolling_beta, trades). */
export function backtestCharts(result: BacktestResult): Record<string, Chart> {
  return {
    equity: equityChart(result),
    underwater: underwaterChart(result),
    rolling_sharpe: rollingSharpeChart(result),
    rolling_beta: rollingBetaChart(result),
    trades: tradesChart(result),
  };
}

/** Net equity of the strategy and of buy-and-hold (same weights), on a log scale, both starting at 1. */
export function equityChart(result: BacktestResult): Chart {
  const p = portfolioColumns(result);
  const idx = thin(p.dates.length);
  const rows: Row[] = [];
  for (const i of idx) rows.push({ date: p.dates[i], equity: p.equity[i], series: 'strategy (net)' });
  for (const i of idx) rows.push({ date: p.dates[i], equity: p.benchmarkEquity[i], series: 'buy and hold' });
  return chart({
    title: `${title(result)}: equity (log scale)`,
    caption: caption(result),
    subtitle: `net of costs; total return ${pct(result.metrics.total_return)} vs buy and hold ${pct(p.benchmarkEquity[p.benchmarkEquity.length - 1] - 1)}${thinned(p.dates.length)}`,
    x: { type: 'utc' },
    y: { type: 'log', label: 'growth of 1', grid: true, tickFormat: '~g' },
    color: { domain: ['strategy (net)', 'buy and hold'], legend: true },
    data: { equity: { rows, dateFields: ['date'] } },
    marks: [
      { type: 'ruleY', values: [1], options: { stroke: '#bbb' } },
      { type: 'line', data: 'equity', options: { x: 'date', y: 'equity', stroke: 'series', strokeWidth: 1.3, tip: true } },
    ],
  });
}

/** Drawdown of net equity from its running peak (equity starting at 1), in percent. */
export function underwaterChart(result: BacktestResult): Chart {
  const p = portfolioColumns(result);
  const rows: Row[] = [];
  for (const [i, j] of buckets(p.dates.length)) {
    let worst = 0;
    for (let k = i; k < j; k++) worst = Math.min(worst, p.drawdown[k]);
    rows.push({ date: p.dates[i], drawdown: worst });
  }
  return chart({
    title: `${title(result)}: drawdown`,
    caption: caption(result),
    subtitle: `maximum drawdown ${pct(result.metrics.max_drawdown)}${thinned(p.dates.length)}`,
    x: { type: 'utc' },
    y: { label: 'drawdown', percent: true, grid: true },
    data: { drawdown: { rows, dateFields: ['date'] } },
    marks: [
      { type: 'areaY', data: 'drawdown', options: { x: 'date', y: 'drawdown', fill: '#d62728', fillOpacity: 0.35 } },
      { type: 'lineY', data: 'drawdown', options: { x: 'date', y: 'drawdown', stroke: '#d62728', strokeWidth: 0.8 } },
      { type: 'ruleY', values: [0] },
    ],
  });
}

/** Annualized Sharpe ratio of net returns over a trailing window. */
export function rollingSharpeChart(result: BacktestResult, options: RollingOptions = {}): Chart {
  const window = options.window ?? 126;
  const p = portfolioColumns(result);
  const values = new Float64Array(p.net.length);
  rollingSharpeKernel(p.net, window, result.identity.periods_per_year, values);
  const bench = new Float64Array(p.net.length);
  rollingSharpeKernel(p.benchmark, window, result.identity.periods_per_year, bench);
  const rows: Row[] = [];
  for (const i of thin(p.dates.length)) {
    if (Number.isFinite(values[i])) rows.push({ date: p.dates[i], sharpe: values[i], series: 'strategy (net)' });
    if (Number.isFinite(bench[i])) rows.push({ date: p.dates[i], sharpe: bench[i], series: 'buy and hold' });
  }
  return chart({
    title: `${title(result)}: rolling Sharpe ratio`,
    caption: caption(result),
    subtitle: `${window}-bar trailing window, annualized with ${+result.identity.periods_per_year.toFixed(1)} bars/year; full-period Sharpe ${result.metrics.sharpe.toFixed(2)}${thinned(p.dates.length)}`,
    x: { type: 'utc' },
    y: { label: 'Sharpe', grid: true },
    color: { domain: ['strategy (net)', 'buy and hold'], legend: true },
    data: { sharpe: { rows, dateFields: ['date'] } },
    marks: [
      { type: 'ruleY', values: [0], options: { stroke: '#999' } },
      { type: 'line', data: 'sharpe', options: { x: 'date', y: 'sharpe', stroke: 'series', strokeWidth: 1.1, tip: true } },
    ],
  });
}

/**
 * Rolling beta of the strategy's net returns on a benchmark's returns (cov / var over the
 * window): by default the buy-and-hold returns of the traded securities; or pass benchmark
 * returns aligned with `result.portfolio` rows.
 */
export function rollingBetaChart(result: BacktestResult, options: RollingOptions & { benchmark?: Float64Array; benchmarkName?: string } = {}): Chart {
  const window = options.window ?? 126;
  const p = portfolioColumns(result);
  const benchmark = options.benchmark ?? p.benchmark;
  const values = new Float64Array(p.net.length);
  rollingBetaKernel(p.net, benchmark, window, values);
  const rows: Row[] = [];
  for (const i of thin(p.dates.length)) if (Number.isFinite(values[i])) rows.push({ date: p.dates[i], beta: values[i] });
  return chart({
    title: `${title(result)}: rolling beta`,
    caption: caption(result),
    subtitle: `${window}-bar trailing window, net returns on ${options.benchmarkName ?? 'buy-and-hold'} returns${thinned(p.dates.length)}`,
    x: { type: 'utc' },
    y: { label: 'beta', grid: true },
    data: { beta: { rows, dateFields: ['date'] } },
    marks: [
      { type: 'ruleY', values: [0, 1], options: { stroke: '#bbb' } },
      { type: 'lineY', data: 'beta', options: { x: 'date', y: 'beta', stroke: '#1f77b4', strokeWidth: 1.1, tip: true } },
    ],
  });
}

/**
 * Close price of one security with its trades: a triangle at each entry fill (green long,
 * red short), a dot at each exit fill.
 */
export function tradesChart(result: BacktestResult, options: { security?: string } = {}): Chart {
  const security = options.security ?? result.identity.data.securities[0];
  const frame = result.frame.filter(pl.col('security_id').eq(pl.lit(security)));
  const dates = isoDates(frame.getColumn('date'));
  const close = frame.getColumn('close').toTypedArray() as Float64Array;
  const rows: Row[] = [];
  for (const i of thin(dates.length)) rows.push({ date: dates[i], close: close[i] });
  const trades = result.trades.filter(pl.col('security_id').eq(pl.lit(security)));
  const entryDates = isoDates(trades.getColumn('entry_time'));
  const exitDates = isoDates(trades.getColumn('exit_time'));
  const entryPrice = trades.getColumn('entry_price').toTypedArray() as Float64Array;
  const exitPrice = trades.getColumn('exit_price').toTypedArray() as Float64Array;
  const side = trades.getColumn('side').toArray() as string[];
  const open = trades.getColumn('is_open').toArray() as boolean[];
  const pnl = trades.getColumn('pnl').toTypedArray() as Float64Array;
  const longs: Row[] = [];
  const shorts: Row[] = [];
  const exits: Row[] = [];
  for (let k = 0; k < entryDates.length; k++) {
    (side[k] === 'long' ? longs : shorts).push({ date: entryDates[k], price: entryPrice[k], pnl: pnl[k] });
    if (!open[k]) exits.push({ date: exitDates[k], price: exitPrice[k], pnl: pnl[k] });
  }
  return chart({
    title: `${title(result)}: trades on ${security}`,
    caption: caption(result),
    subtitle: `${entryDates.length} trades; triangles = entries (green up: long, red down: short), dots = exits, at fill prices${thinned(dates.length)}`,
    x: { type: 'utc' },
    y: { type: 'log', label: 'close', grid: true, tickFormat: '~g' },
    data: { price: { rows, dateFields: ['date'] }, longs: { rows: longs, dateFields: ['date'] }, shorts: { rows: shorts, dateFields: ['date'] }, exits: { rows: exits, dateFields: ['date'] } },
    marks: [
      { type: 'line', data: 'price', options: { x: 'date', y: 'close', stroke: '#777', strokeWidth: 0.9 } },
      { type: 'dot', data: 'longs', options: { x: 'date', y: 'price', symbol: 'triangle', fill: '#2ca02c', r: 3.5, tip: true } },
      { type: 'dot', data: 'shorts', options: { x: 'date', y: 'price', symbol: 'triangle', rotate: 180, fill: '#d62728', r: 3.5, tip: true } },
      { type: 'dot', data: 'exits', options: { x: 'date', y: 'price', fill: '#222', r: 2, tip: true } },
    ],
  });
}

interface PortfolioColumns {
  dates: string[];
  net: Float64Array;
  equity: Float64Array;
  drawdown: Float64Array;
  benchmark: Float64Array;
  benchmarkEquity: Float64Array;
}

function portfolioColumns(result: BacktestResult): PortfolioColumns {
  const p = result.portfolio;
  const f = (name: string) => p.getColumn(name).toTypedArray() as Float64Array;
  return {
    dates: isoDates(p.getColumn('date')),
    net: f('net'),
    equity: f('equity'),
    drawdown: f('drawdown'),
    benchmark: f('benchmark_return'),
    benchmarkEquity: f('benchmark_equity'),
  };
}

/** ISO strings from a Date (days) or Datetime (ms) series. */
function isoDates(series: pl.Series): string[] {
  const isDate = String(series.dtype).includes('Date') && !String(series.dtype).includes('Datetime');
  if (isDate) return Array.from(series.cast(pl.Int32).toTypedArray() as Int32Array, dayToIso);
  const ms = series.cast(pl.Int64).cast(pl.Float64).toTypedArray() as Float64Array;
  return Array.from(ms, (t) => new Date(t).toISOString().slice(0, 19));
}

function thin(n: number): number[] {
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const idx: number[] = [];
  for (let i = 0; i < n; i += step) idx.push(i);
  if (n > 0 && idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

function buckets(n: number): Array<[number, number]> {
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i += step) out.push([i, Math.min(n, i + step)]);
  return out;
}

function thinned(n: number): string {
  const step = Math.ceil(n / MAX_POINTS);
  return step > 1 ? ` (1 bar in ${step} drawn)` : '';
}

/** Parameters and cost model under every chart, so a picture says how it was made. */
function caption(result: BacktestResult): string {
  const id = result.identity;
  const params = Object.entries(id.params_flat).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${id.strategy} ${id.strategy_version} (${params}); costs ${id.cost_model.fee_bps}+${id.cost_model.slippage_bps} bps; fill at ${id.cost_model.execution}`;
}

/** The strategy name, with its parameters when they fit on a title line. */
function title(result: BacktestResult): string {
  const params = Object.entries(result.identity.params_flat).map(([k, v]) => `${k}=${v}`).join(', ');
  const full = `${result.identity.strategy}(${params})`;
  return full.length <= 48 ? full : result.identity.strategy;
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}
