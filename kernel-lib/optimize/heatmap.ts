import { QuantbookError } from '../errors';
import type { MetricName } from '../kernels/metrics';
import { chart, type Chart, type Row } from '../plot/chart';
import { flattenParams, type OptimizeResult } from './results';

export interface HeatmapOptions {
  /** Parameter on the x axis; default the first numeric parameter that varies. */
  x?: string;
  /** Parameter on the y axis; default the second numeric parameter that varies. */
  y?: string;
  /** Metric to color by; default the search objective. */
  metric?: MetricName;
}

/**
 * The objective (or another metric) over two parameters: one rectangle per tried (x, y) pair,
 * colored from red (worst) through yellow to green (best); pairs never tried (e.g. fast >= slow)
 * stay blank. When other parameters vary too, each cell shows the best value over them (said in
 * the subtitle). The best trial is ringed and labelled.
 */
export function optimizeHeatmap(result: OptimizeResult, options: HeatmapOptions = {}): Chart {
  const metric = options.metric ?? result.objective;
  const flat = result.trials.map((t) => ({ params: flattenParams(t.params), value: t.metrics[metric] }));
  const varying = Object.keys(flat[0]?.params ?? {}).filter((name) => {
    const values = new Set(flat.map((f) => f.params[name]));
    return values.size > 1 && flat.every((f) => typeof f.params[name] === 'number');
  });
  const x = options.x ?? varying[0];
  const y = options.y ?? varying.find((name) => name !== x);
  if (!x || !y || x === y) {
    throw new QuantbookError('BAD_PARAMETER', `a heatmap needs two numeric parameters that vary (varying: ${varying.join(', ') || 'none'})`, 'pass {x, y} naming two searched parameters');
  }
  for (const name of [x, y]) {
    if (!flat.some((f) => typeof f.params[name] === 'number')) {
      throw new QuantbookError('BAD_PARAMETER', `heatmap: '${name}' is not a numeric parameter of the search`, `numeric parameters that vary: ${varying.join(', ')}`);
    }
  }
  // Lower is better when minimizing: flip the scheme so green still means good.
  const reverse = result.direction === 'min';
  const better = (a: number, b: number) => (result.direction === 'max' ? a > b : a < b);
  const cells = new Map<string, { x: number; y: number; value: number }>();
  for (const f of flat) {
    const cx = f.params[x] as number;
    const cy = f.params[y] as number;
    if (!Number.isFinite(f.value)) continue;
    const key = `${cx}|${cy}`;
    const cell = cells.get(key);
    if (!cell || better(f.value, cell.value)) cells.set(key, { x: cx, y: cy, value: f.value });
  }
  const xs = edges([...new Set([...cells.values()].map((c) => c.x))]);
  const ys = edges([...new Set([...cells.values()].map((c) => c.y))]);
  const rows: Row[] = [];
  let low = Infinity;
  let high = -Infinity;
  for (const c of cells.values()) {
    const [x1, x2] = xs.get(c.x)!;
    const [y1, y2] = ys.get(c.y)!;
    rows.push({ x1, x2, y1, y2, [x]: c.x, [y]: c.y, value: c.value });
    low = Math.min(low, c.value);
    high = Math.max(high, c.value);
  }
  // Diverging around 0 when the metric takes both signs, so "loses money" reads as red.
  const span = Math.max(Math.abs(low), Math.abs(high));
  const domain = low < 0 && high > 0 ? [-span, span] : [low, high];
  const best = result.best ? flattenParams(result.best.params) : undefined;
  const bestRow: Row[] = best && typeof best[x] === 'number' && typeof best[y] === 'number' ? [{ x: best[x] as number, y: best[y] as number, label: `best ${x}=${best[x]}, ${y}=${best[y]}` }] : [];
  const others = Object.keys(flat[0]?.params ?? {}).filter((n) => n !== x && n !== y && new Set(flat.map((f) => String(f.params[n]))).size > 1);
  return chart({
    title: `${result.strategy}: ${metric} over ${x} and ${y}`,
    subtitle:
      `${result.trials.length} trials; ${metric} ${fmt(metric, low)} (${reverse ? 'green' : 'red'}) .. ${fmt(metric, high)} (${reverse ? 'red' : 'green'})` +
      (bestRow.length ? `; ringed: best ${x}=${best![x]}, ${y}=${best![y]}` : ''),
    caption:
      (others.length ? `each cell: the ${result.direction === 'max' ? 'highest' : 'lowest'} over ${others.join(', ')}; ` : '') +
      `${result.data.source ?? result.data.snapshot_id} ${result.data.start}..${result.data.end}; fee ${result.cost_model.fee_bps} bps; blank: not tried or invalid`,
    width: 720,
    height: 460,
    x: { label: x, nice: false, zero: false },
    y: { label: y, nice: false, zero: false },
    color: { type: 'linear', scheme: 'RdYlGn', domain, reverse, legend: false },
    data: { cells: { rows }, best: { rows: bestRow } },
    marks: [
      { type: 'rectY', data: 'cells', options: { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'value', stroke: 'value', strokeWidth: 0.4, tip: true } },
      { type: 'dot', data: 'best', options: { x: 'x', y: 'y', r: 6, stroke: 'black', strokeWidth: 2, fill: 'none' } },
      { type: 'text', data: 'best', options: { x: 'x', y: 'y', text: 'label', dx: 10, textAnchor: 'start', fontWeight: 600, fill: 'black', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' } },
    ],
  });
}

/** Cell bounds for sorted distinct values: halfway to each neighbour (a lone value: +-0.5). */
function edges(values: number[]): Map<number, [number, number]> {
  const sorted = values.sort((a, b) => a - b);
  const out = new Map<number, [number, number]>();
  sorted.forEach((v, i) => {
    const left = i > 0 ? (sorted[i - 1] + v) / 2 : i + 1 < sorted.length ? v - (sorted[i + 1] - v) / 2 : v - 0.5;
    const right = i + 1 < sorted.length ? (v + sorted[i + 1]) / 2 : i > 0 ? v + (v - sorted[i - 1]) / 2 : v + 0.5;
    out.set(v, [left, right]);
  });
  return out;
}

const PERCENT = new Set(['max_drawdown', 'cagr', 'annual_volatility', 'total_return', 'win_rate', 'avg_win', 'avg_loss', 'cost_share', 'exposure']);

function fmt(metric: string, v: number): string {
  if (PERCENT.has(metric)) return `${(v * 100).toFixed(Math.abs(v) >= 1 ? 0 : 1)}%`;
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
