import pl from 'nodejs-polars';
import type { BacktestMetrics } from '../engine/result';
import { METRIC_NAMES } from '../kernels/metrics';
import { flattenParams } from '../optimize/results';

/** One walk-forward window: where it lies, what the training chose, how it did in and out of sample. */
export interface WindowResult {
  index: number;
  /** The last window, cut short by the end of the data. */
  partial: boolean;
  /** First and last bar (ISO) of the training and test windows. */
  train_start: string;
  train_end: string;
  test_start: string;
  test_end: string;
  train_bars: number;
  test_bars: number;
  /** Bars run before the test start and dropped (fewer than wanted when the data starts later). */
  warmup_bars: number;
  /** Parameters chosen on the training window; null when every trial failed (the window is then flat). */
  params: Record<string, unknown> | null;
  /** The chosen trial's metrics on the training window. */
  is_metrics: BacktestMetrics | null;
  /** Metrics of the test window's returns (trade statistics NaN: trades may span windows). */
  oos_metrics: BacktestMetrics;
  /** Compounded return of the test window. */
  oos_return: number;
  n_trials: number;
  n_failures: number;
  /** Deflated Sharpe ratio of the chosen trial on the training window. */
  is_deflated_sharpe: number;
  /** Turnover charged at the window start for switching from the previous window's positions. */
  boundary_turnover: number;
  /** Why the window has no parameters. */
  error?: string;
}

export interface WalkForwardResult {
  strategy: string;
  strategy_version: string;
  method: 'grid' | 'random';
  seed?: number;
  objective: string;
  direction: 'max' | 'min';
  anchored: boolean;
  train: string;
  test: string;
  /** Parameter sets tried in every training window (valid ones), and the invalid ones dropped. */
  n_param_sets: number;
  n_invalid: number;
  path: 'sweep' | 'general';
  windows: WindowResult[];
  /** One row per window (what save() writes as <stem>.windows.parquet). */
  table: pl.DataFrame;
  /**
   * The stitched out-of-sample series, one row per test bar of every window in order: date,
   * window, net, gross, cost, turnover, exposure, benchmark_return, equity (compounded from 1
   * across windows), and position with one security.
   */
  oos: pl.DataFrame;
  /** Metrics of the stitched out-of-sample returns (trade statistics NaN). */
  oos_metrics: BacktestMetrics;
  periods_per_year: number;
  frequency: string;
  cost_model: { fee_bps: number; slippage_bps: number; execution: string; lag: number };
  data: { snapshot_id: string; content_hash?: string; source?: string; securities: string[]; rows: number; start: string; end: string };
  /** The time unit of the data (for charts). */
  time_unit: 'day' | 'ms';
  elapsed_ms: number;
  notes: string[];
  /** Writes <stem>.windows.parquet, <stem>.oos.parquet and <stem>.json into dir. */
  save(dir: string): Promise<SavedWalkForward>;
  fileStem: string;
}

export interface SavedWalkForward {
  windows: string;
  oos: string;
  json: string;
}

/** The per-window table: bounds, counts, param_<name>, is_<metric>, oos_<metric>, ... */
export function windowsTable(windows: WindowResult[], unit: 'day' | 'ms'): pl.DataFrame {
  const series: pl.Series[] = [
    pl.Series('window', Int32Array.from(windows, (w) => w.index)),
    pl.Series('partial', windows.map((w) => w.partial)),
  ];
  for (const key of ['train_start', 'train_end', 'test_start', 'test_end'] as const) series.push(dateSeries(key, windows.map((w) => w[key]), unit));
  for (const key of ['train_bars', 'test_bars', 'warmup_bars', 'n_trials', 'n_failures'] as const) series.push(pl.Series(key, Int32Array.from(windows, (w) => w[key])));
  const flat = windows.map((w) => (w.params ? flattenParams(w.params) : {}));
  const names: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!names.includes(k)) names.push(k);
  for (const name of names) series.push(paramSeries(`param_${name}`, flat.map((f) => f[name] ?? null)));
  for (const m of METRIC_NAMES) series.push(pl.Series(`is_${m}`, Float64Array.from(windows, (w) => (w.is_metrics ? w.is_metrics[m] : NaN))));
  for (const m of METRIC_NAMES) series.push(pl.Series(`oos_${m}`, Float64Array.from(windows, (w) => w.oos_metrics[m])));
  series.push(pl.Series('oos_return', Float64Array.from(windows, (w) => w.oos_return)));
  series.push(pl.Series('is_deflated_sharpe', Float64Array.from(windows, (w) => w.is_deflated_sharpe)));
  series.push(pl.Series('boundary_turnover', Float64Array.from(windows, (w) => w.boundary_turnover)));
  series.push(pl.Series('error', windows.map((w) => w.error ?? null), pl.Utf8));
  return pl.DataFrame(series);
}

export function dateSeries(name: string, iso: string[], unit: 'day' | 'ms'): pl.Series {
  if (unit === 'day') return pl.Series(name, Int32Array.from(iso, (d) => Math.round(Date.parse(`${d}T00:00:00Z`) / 86_400_000))).cast(pl.Date);
  return pl.Series(name, Float64Array.from(iso, (d) => Date.parse(d))).cast(pl.Int64).cast(pl.Datetime('ms'));
}

function paramSeries(name: string, values: Array<number | string | boolean | null>): pl.Series {
  // A window without parameters (every trial failed) leaves NaN in numeric columns.
  if (values.every((v) => typeof v === 'number' || v === null)) return pl.Series(name, Float64Array.from(values, (v) => (v === null ? NaN : (v as number))));
  if (values.every((v) => typeof v === 'boolean' || v === null)) return pl.Series(name, values as Array<boolean | null>);
  return pl.Series(name, values.map((v) => (v === null ? null : String(v))));
}
