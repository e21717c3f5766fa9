import pl from 'nodejs-polars';
import { chart, type Chart, type Row } from '../plot/chart';
import { dayToIso } from '../kernels/bridge';
import { flattenParams } from '../optimize/results';
import type { WalkForwardResult } from './result';

/** At most this many points per line; longer series are thinned (every k-th bar). */
const MAX_POINTS = 2500;

/** Every walk-forward chart by name. */
export function walkForwardCharts(result: WalkForwardResult): Record<string, Chart> {
  return { oos_equity: oosEquityChart(result), params: chosenParamsChart(result), is_vs_oos: isVsOosChart(result) };
}

/**
 * The stitched out-of-sample equity (log scale, from 1) beside buy-and-hold over the same test
 * bars, with a rule at the start of every test window.
 */
export function oosEquityChart(result: WalkForwardResult): Chart {
  const times = result.oos.getColumn('date').cast(result.time_unit === 'day' ? pl.Int32 : pl.Int64).cast(pl.Float64).toTypedArray() as Float64Array;
  const dates = Array.from(times, (t) => toIso(t, result.time_unit));
  const equity = result.oos.getColumn('equity').toArray() as number[];
  const bench = result.oos.getColumn('benchmark_return').toArray() as number[];
  const rows: Row[] = [];
  const step = Math.max(1, Math.ceil(dates.length / MAX_POINTS));
  let hold = 1;
  const holdAt: number[] = bench.map((r) => (hold *= 1 + (Number.isFinite(r) ? r : 0)));
  for (let i = 0; i < dates.length; i += step) {
    rows.push({ date: dates[i], equity: equity[i], series: 'walk-forward (out of sample, net)' });
    rows.push({ date: dates[i], equity: holdAt[i], series: 'buy and hold (same bars)' });
  }
  if (dates.length && (dates.length - 1) % step !== 0) {
    const i = dates.length - 1;
    rows.push({ date: dates[i], equity: equity[i], series: 'walk-forward (out of sample, net)' }, { date: dates[i], equity: holdAt[i], series: 'buy and hold (same bars)' });
  }
  const starts: Row[] = result.windows.map((w) => ({ date: w.test_start, window: w.index }));
  const m = result.oos_metrics;
  return chart({
    title: `${result.strategy}: walk-forward out-of-sample equity (log scale)`,
    subtitle: `${result.windows.length} ${result.anchored ? 'anchored' : 'rolling'} windows (train ${result.train}, test ${result.test}); total return ${pct(m.total_return)}, Sharpe ${num(m.sharpe)}, max drawdown ${pct(m.max_drawdown)}`,
    caption: `dashed: test window starts${step > 1 ? `; every ${step}th bar drawn` : ''}; ${caption(result)}`,
    x: { type: 'utc' },
    y: { type: 'log', label: 'growth of 1', grid: true, tickFormat: '~g' },
    color: { domain: ['walk-forward (out of sample, net)', 'buy and hold (same bars)'], legend: true },
    data: { equity: { rows, dateFields: ['date'] }, starts: { rows: starts, dateFields: ['date'] } },
    marks: [
      { type: 'ruleX', data: 'starts', options: { x: 'date', stroke: '#bbb', strokeDasharray: '3,3' } },
      { type: 'ruleY', values: [1], options: { stroke: '#999' } },
      { type: 'line', data: 'equity', options: { x: 'date', y: 'equity', stroke: 'series', strokeWidth: 1.3, tip: true } },
    ],
  });
}

/** The parameters chosen in each window, as steps over the test windows (booleans as 0/1). */
export function chosenParamsChart(result: WalkForwardResult): Chart {
  const rows: Row[] = [];
  const names: string[] = [];
  const last = result.windows[result.windows.length - 1];
  for (const w of result.windows) {
    if (!w.params) continue;
    for (const [name, value] of Object.entries(flattenParams(w.params))) {
      const v = typeof value === 'boolean' ? Number(value) : value;
      if (typeof v !== 'number') continue;
      if (!names.includes(name)) names.push(name);
      rows.push({ date: w.test_start, value: v, param: name, window: w.index });
    }
  }
  // Each step runs to the next window's start; the last one to the end of the data.
  const ends: Row[] = last?.params ? names.filter((n) => typeof flattenParams(last.params!)[n] !== 'string').map((name) => {
    const value = flattenParams(last.params!)[name];
    return { date: last.test_end, value: typeof value === 'boolean' ? Number(value) : (value as number), param: name, window: last.index };
  }) : [];
  const varying = names.filter((n) => new Set(rows.filter((r) => r.param === n).map((r) => r.value)).size > 1);
  // Parameters that never change (e.g. a fixed allowShort) only crowd the picture.
  const shown = varying.length ? varying : names;
  const keep = (r: Row) => shown.includes(r.param as string);
  const first = flattenParams(result.windows.find((w) => w.params)?.params ?? {});
  const constant = names.filter((n) => !shown.includes(n)).map((n) => `${n}=${first[n]}`);
  return chart({
    title: `${result.strategy}: parameters chosen in each training window`,
    subtitle: `${result.windows.length} windows; ${varying.length ? `changing: ${varying.join(', ')}` : 'the same parameters every window'}${constant.length ? `; fixed: ${constant.join(', ')}` : ''}`,
    caption: `each step holds over its test window; ${caption(result)}`,
    x: { type: 'utc' },
    y: { label: 'value', grid: true },
    color: { domain: shown, legend: true },
    data: { params: { rows: [...rows, ...ends].filter(keep), dateFields: ['date'] }, points: { rows: rows.filter(keep), dateFields: ['date'] } },
    marks: [
      { type: 'line', data: 'params', options: { x: 'date', y: 'value', stroke: 'param', curve: 'step-after', strokeWidth: 1.5 } },
      { type: 'dot', data: 'points', options: { x: 'date', y: 'value', fill: 'param', r: 2.5, tip: true } },
    ],
  });
}

/**
 * In-sample Sharpe (training, of the chosen parameters) against out-of-sample Sharpe (the test
 * window that followed), one dot per window, with the diagonal where they would be equal: the
 * overfitting picture (dots far below the diagonal).
 */
export function isVsOosChart(result: WalkForwardResult): Chart {
  const rows: Row[] = [];
  for (const w of result.windows) {
    const x = w.is_metrics?.sharpe;
    const y = w.oos_metrics.sharpe;
    if (x !== undefined && Number.isFinite(x) && Number.isFinite(y)) rows.push({ is: x, oos: y, window: w.partial ? `${w.index}*` : String(w.index) });
  }
  const values = rows.flatMap((r) => [r.is as number, r.oos as number]);
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const meanIs = mean(rows.map((r) => r.is as number));
  const meanOos = mean(rows.map((r) => r.oos as number));
  return chart({
    title: `${result.strategy}: in-sample vs out-of-sample Sharpe by window`,
    subtitle: `${rows.length} windows; mean Sharpe in sample ${num(meanIs)}, out of sample ${num(meanOos)}; correlation ${num(correlation(rows.map((r) => r.is as number), rows.map((r) => r.oos as number)))}`,
    caption: `dashed: out of sample = in sample${result.windows.some((w) => w.partial) ? '; * partial (short) test window' : ''}; fee ${result.cost_model.fee_bps} bps`,
    width: 560,
    height: 460,
    x: { label: 'in-sample Sharpe (training window, chosen parameters)', grid: true, domain: [low, high], nice: true },
    y: { label: 'out-of-sample Sharpe (next test window)', grid: true, domain: [low, high], nice: true },
    data: { windows: { rows }, diagonal: { rows: [{ x: low, y: low }, { x: high, y: high }] } },
    marks: [
      { type: 'ruleX', values: [0], options: { stroke: '#999' } },
      { type: 'ruleY', values: [0], options: { stroke: '#999' } },
      { type: 'line', data: 'diagonal', options: { x: 'x', y: 'y', stroke: '#888', strokeDasharray: '4,4' } },
      { type: 'dot', data: 'windows', options: { x: 'is', y: 'oos', fill: '#1f77b4', r: 4, tip: true } },
      { type: 'text', data: 'windows', options: { x: 'is', y: 'oos', text: 'window', dx: 7, textAnchor: 'start', fill: '#555', fontSize: 9 } },
    ],
  });
}

function caption(result: WalkForwardResult): string {
  const source = (result.data.source ?? result.data.snapshot_id).split(/[\\/]/).pop();
  const slippage = result.cost_model.slippage_bps ? ` + ${result.cost_model.slippage_bps} bps slippage` : '';
  return `${source} ${result.data.start}..${result.data.end}; fee ${result.cost_model.fee_bps} bps${slippage}; objective ${result.objective}; ${result.n_param_sets} sets per window`;
}

function toIso(t: number, unit: 'day' | 'ms'): string {
  return unit === 'day' ? dayToIso(t) : new Date(t).toISOString();
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

function correlation(x: number[], y: number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a';
}

function num(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
}
