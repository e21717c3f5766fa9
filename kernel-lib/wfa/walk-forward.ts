import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { timeToIso } from '../engine/backtest';
import { contentHash, pascalCase } from '../engine/naming';
import { jsonMetrics } from '../engine/save';
import { QuantbookError } from '../errors';
import type { MetricName } from '../kernels/metrics';
import { exposureMetricsKernel, metricsBuffer, returnMetricsKernel } from '../kernels/metrics';
import { unionTimeline } from '../kernels/engine-portfolio';
import { TrialEvaluator } from '../optimize/evaluate';
import type { ParamSpace } from '../optimize/grid';
import { paramSetsFor, searchSets } from '../optimize/optimize';
import { throwIfAborted } from '../optimize/pool';
import { metricsRecord, type Direction, type OptimizeProgress } from '../optimize/results';
import { contextRunner, prepareSearch, type SearchSetup } from '../optimize/search';
import { flatOutOfSample, outOfSample, type OosSeries } from './out-of-sample';
import { dateSeries, windowsTable, type SavedWalkForward, type WalkForwardResult, type WindowResult } from './result';
import { warmupBars } from './warmup';
import { walkForwardWindows, type WindowLength } from './windows';

export interface WalkForwardOptions extends SearchSetup {
  /** The search space of every training window (as optimize's `grid`). */
  grid: ParamSpace | string;
  /** Random search in each training window instead of the full grid (the same draws every window). */
  random?: { samples: number; seed?: number };
  objective?: MetricName;
  direction?: Direction;
  /** Training window: bars (500) or a calendar period ('2y', '18m', '26w', '90d'). */
  train: WindowLength;
  /** Test window, same kinds; the windows step forward by this much. */
  test: WindowLength;
  /** Training windows start at the first bar and grow (default: rolling, fixed length). */
  anchored?: boolean;
  /** Warm-up bars before each test window: a number, or from the chosen params (default warmupBars()). */
  warmup?: number | ((params: Record<string, unknown>) => number);
  signal?: AbortSignal;
  onProgress?: (progress: WalkForwardProgress) => void;
}

export interface WalkForwardProgress extends OptimizeProgress {
  /** The window being optimized (0-based) and how many there are. */
  window: number;
  windows: number;
}

/**
 * Walk-forward analysis (docs/wfa.md): for each window, optimize on the training bars only,
 * run the chosen parameters over the test bars (after a warm-up that starts before the test and
 * is dropped), and stitch the test returns of all windows into one compounded out-of-sample
 * equity curve.
 */
export async function walkForward(options: WalkForwardOptions): Promise<WalkForwardResult> {
  const started = performance.now();
  const context = await prepareSearch(options);
  if (context.config.execution !== 'close') {
    throw new QuantbookError('BAD_PARAMETER', "walk-forward supports close fills only (execution: 'close')", 'drop --next-open for a walk-forward');
  }
  const { panel } = context;
  // Fixed weights over the whole data, so every window weighs a security alike (default 1/N).
  const weights = options.weights ?? Object.fromEntries(panel.securities.map((s) => [s, 1 / panel.securities.length]));
  context.config = { ...context.config, weights };
  const objective = options.objective ?? 'sharpe';
  const direction = options.direction ?? 'max';
  const timeline = panel.securities.length === 1 ? Float64Array.from(panel.time) : unionTimeline(panel.time, panel.offsets);
  const windows = walkForwardWindows(timeline, panel.timeUnit, { train: options.train, test: options.test, anchored: options.anchored });
  const sets = paramSetsFor(context.strategy, options);
  if (sets.sets.length === 0) {
    throw new QuantbookError('NO_VALID_PARAMETERS', `none of the ${sets.candidates} parameter combinations is valid for '${context.strategy.name}'`, 'widen the ranges so that the strategy rules hold (e.g. fast < slow)');
  }
  const iso = (t: number) => timeToIso(t, panel.timeUnit);
  const end = (index: number) => (index < timeline.length ? timeline[index] : Infinity);
  const runner = contextRunner(context);
  const evaluator = new TrialEvaluator(panel, context.strategy, context.config);
  const held = new Map<string, number>();
  const results: WindowResult[] = [];
  const pieces: Array<{ window: number; series: OosSeries }> = [];
  let path: 'sweep' | 'general' = 'general';
  const notes = [...context.notes];
  try {
    for (const w of windows) {
      throwIfAborted(options.signal);
      const train = { from: timeline[w.trainStart], to: timeline[w.trainEnd] };
      const search = await searchSets(context, runner, sets.sets, {
        objective, direction, range: train, signal: options.signal, details: false, evaluator,
        onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, window: w.index, windows: windows.length })),
      });
      path = search.path;
      const testStartTime = timeline[w.testStart];
      const base = {
        index: w.index, partial: w.partial,
        train_start: iso(timeline[w.trainStart]), train_end: iso(timeline[w.trainEnd - 1]),
        test_start: iso(testStartTime), test_end: iso(timeline[w.testEnd - 1]),
        train_bars: w.trainEnd - w.trainStart, test_bars: w.testEnd - w.testStart,
        n_trials: search.n_trials, n_failures: search.n_failures,
      };
      let series: OosSeries;
      let window: WindowResult;
      if (search.best) {
        const params = search.best.params;
        const wanted = typeof options.warmup === 'function' ? options.warmup(params) : options.warmup ?? warmupBars(context.strategy, params, context.config.lag);
        const from = Math.max(0, w.testStart - wanted);
        if (w.testStart - from < wanted) notes.push(`window ${w.index}: only ${w.testStart - from} of ${wanted} warm-up bars exist before the test start`);
        const { market, ws } = await evaluator.run(params, { from: timeline[from], to: end(w.testEnd) });
        series = outOfSample(market, ws, testStartTime, context.config.costRate, held);
        window = {
          ...base, warmup_bars: w.testStart - from, params, is_metrics: search.best.metrics,
          oos_metrics: seriesMetrics(series, context.config.periodsPerYear), oos_return: compounded(series.net),
          is_deflated_sharpe: search.deflated_sharpe?.value ?? NaN, boundary_turnover: series.boundaryTurnover,
        };
      } else {
        const reason = search.failures[0] ? `every trial failed, e.g. ${JSON.stringify(search.failures[0].params)}: ${search.failures[0].error.message}` : 'no trial had a finite objective';
        notes.push(`window ${w.index}: ${reason}; the test window is flat`);
        series = flatOutOfSample(timeline.slice(w.testStart, w.testEnd), (s) => weights[s] ?? 0, context.config.costRate, held);
        window = {
          ...base, warmup_bars: 0, params: null, is_metrics: null,
          oos_metrics: seriesMetrics(series, context.config.periodsPerYear), oos_return: compounded(series.net),
          is_deflated_sharpe: NaN, boundary_turnover: series.boundaryTurnover, error: reason,
        };
      }
      results.push(window);
      pieces.push({ window: w.index, series });
    }
  } finally {
    await runner.close();
  }

  const stitched = stitch(pieces, panel.timeUnit, panel.securities.length === 1);
  const oosMetrics = seriesMetrics(stitched.series, context.config.periodsPerYear);
  const hash = contentHash({
    strategy: context.strategy.name, version: context.strategy.version, grid: options.grid, random: options.random, objective, direction,
    train: options.train, test: options.test, anchored: !!options.anchored, data: context.data.content_hash,
    cost: [context.feeBps, context.slippageBps, context.config.lag], weights,
  });
  const fileStem = `${pascalCase(context.strategy.name)}_${panel.securities.length > 1 ? 'Multi' : pascalCase(panel.securities[0])}_wfa_${hash.slice(0, 10)}`;
  const result: WalkForwardResult = {
    strategy: context.strategy.name,
    strategy_version: context.strategy.version,
    method: options.random ? 'random' : 'grid',
    seed: options.random ? options.random.seed ?? 0 : undefined,
    objective,
    direction,
    anchored: !!options.anchored,
    train: String(options.train),
    test: String(options.test),
    n_param_sets: sets.sets.length,
    n_invalid: sets.invalid,
    path,
    windows: results,
    table: windowsTable(results, panel.timeUnit),
    oos: stitched.frame,
    oos_metrics: oosMetrics,
    periods_per_year: context.config.periodsPerYear,
    frequency: context.config.frequency.label,
    cost_model: { fee_bps: context.feeBps, slippage_bps: context.slippageBps, execution: context.config.execution, lag: context.config.lag },
    data: context.data,
    time_unit: panel.timeUnit,
    elapsed_ms: performance.now() - started,
    notes,
    fileStem,
    save: (dir: string) => saveWalkForward(result, dir),
  };
  return result;
}

/** Return and exposure metrics of a return series (trade statistics stay NaN). */
function seriesMetrics(s: OosSeries, periodsPerYear: number) {
  const out = metricsBuffer();
  returnMetricsKernel(s.net, periodsPerYear, out, new Float64Array(s.net.length));
  exposureMetricsKernel(s.exposure, s.turnover, s.gross, s.cost, periodsPerYear, s.nanCount, out);
  return metricsRecord(out);
}

function compounded(net: Float64Array): number {
  let value = 1;
  for (let t = 0; t < net.length; t++) value *= 1 + net[t];
  return value - 1;
}

/** The windows' test series end to end, with equity compounded from 1 across them. */
function stitch(pieces: Array<{ window: number; series: OosSeries }>, unit: 'day' | 'ms', single: boolean): { series: OosSeries; frame: pl.DataFrame } {
  const total = pieces.reduce((n, p) => n + p.series.net.length, 0);
  const join = (key: 'time' | 'net' | 'gross' | 'cost' | 'turnover' | 'exposure' | 'benchmark') => {
    const out = new Float64Array(total);
    let at = 0;
    for (const p of pieces) {
      out.set(p.series[key], at);
      at += p.series[key].length;
    }
    return out;
  };
  const series: OosSeries = {
    time: join('time'), net: join('net'), gross: join('gross'), cost: join('cost'), turnover: join('turnover'),
    exposure: join('exposure'), benchmark: join('benchmark'),
    nanCount: pieces.reduce((n, p) => n + p.series.nanCount, 0),
    boundaryTurnover: pieces.reduce((n, p) => n + p.series.boundaryTurnover, 0),
  };
  const windowOf = new Int32Array(total);
  let at = 0;
  for (const p of pieces) {
    windowOf.fill(p.window, at, at + p.series.net.length);
    at += p.series.net.length;
  }
  const equity = new Float64Array(total);
  let value = 1;
  for (let t = 0; t < total; t++) equity[t] = value *= 1 + series.net[t];
  const columns: pl.Series[] = [
    dateSeries('date', Array.from(series.time, (t) => timeToIso(t, unit)), unit),
    pl.Series('window', windowOf),
    pl.Series('net', series.net),
    pl.Series('gross', series.gross),
    pl.Series('cost', series.cost),
    pl.Series('turnover', series.turnover),
    pl.Series('exposure', series.exposure),
    pl.Series('benchmark_return', series.benchmark),
    pl.Series('equity', equity),
  ];
  if (single) {
    const position = new Float64Array(total);
    let k = 0;
    for (const p of pieces) {
      position.set(p.series.position ?? new Float64Array(p.series.net.length), k);
      k += p.series.net.length;
    }
    columns.push(pl.Series('position', position));
  }
  return { series, frame: pl.DataFrame(columns) };
}

async function saveWalkForward(result: WalkForwardResult, dir: string): Promise<SavedWalkForward> {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, result.fileStem);
  const saved: SavedWalkForward = { windows: `${stem}.windows.parquet`, oos: `${stem}.oos.parquet`, json: `${stem}.json` };
  for (const [frame, path] of [[result.table, saved.windows], [result.oos, saved.oos]] as const) {
    const temp = `${path}.tmp-${process.pid}`;
    frame.writeParquet(temp, { compression: 'zstd' });
    renameSync(temp, path);
  }
  const temp = `${saved.json}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify({ ...walkForwardJson(result), files: saved }, null, 2) + '\n');
  renameSync(temp, saved.json);
  return saved;
}

/** The JSON summary (CLI --json, saved .json): NaN and infinities as null. */
export function walkForwardJson(result: WalkForwardResult): Record<string, unknown> {
  return {
    strategy: result.strategy,
    strategy_version: result.strategy_version,
    method: result.method,
    seed: result.seed,
    objective: result.objective,
    direction: result.direction,
    anchored: result.anchored,
    train: result.train,
    test: result.test,
    path: result.path,
    n_windows: result.windows.length,
    n_param_sets: result.n_param_sets,
    n_invalid: result.n_invalid,
    oos_metrics: jsonMetrics(result.oos_metrics),
    windows: result.windows.map((w) => ({
      ...w,
      is_metrics: w.is_metrics ? jsonMetrics(w.is_metrics) : null,
      oos_metrics: jsonMetrics(w.oos_metrics),
      oos_return: finite(w.oos_return),
      is_deflated_sharpe: finite(w.is_deflated_sharpe),
    })),
    periods_per_year: result.periods_per_year,
    cost_model: result.cost_model,
    data: result.data,
    elapsed_ms: Math.round(result.elapsed_ms),
    notes: result.notes,
  };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
