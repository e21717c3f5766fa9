import pl from 'nodejs-polars';
import type { BacktestMetrics } from '../engine/result';
import { METRIC_NAMES, type MetricName } from '../kernels/metrics';
import type { DeflatedSharpe } from './deflated-sharpe';
import type { TrialError } from './evaluate';

/** One evaluated parameter set. `trial` is its index in the order the sets were generated. */
export interface TrialResult {
  trial: number;
  params: Record<string, unknown>;
  metrics: BacktestMetrics;
}

/** A parameter set whose run raised an error; the search went on without it. */
export interface TrialFailure {
  trial: number;
  params: Record<string, unknown>;
  error: TrialError;
}

export type Direction = 'max' | 'min';

export interface OptimizeProgress {
  done: number;
  total: number;
  failures: number;
  elapsedMs: number;
  /** Estimated time left from the average pace so far; NaN before the first result. */
  etaMs: number;
}

export interface OptimizeResult {
  strategy: string;
  strategy_version: string;
  method: 'grid' | 'random';
  /** Random search only. */
  seed?: number;
  objective: MetricName;
  direction: Direction;
  /** 'sweep': the sma_cross fast path; 'general': strategy + engine per parameter set. */
  path: 'sweep' | 'general';
  /** Worker threads that ran trials (0: the calling thread). */
  threads: number;
  /** Combinations generated (grid) or drawn (random). */
  n_candidates: number;
  /** Combinations the strategy's schema rejected before anything ran, and why. */
  n_invalid: number;
  invalid_reasons: Array<{ reason: string; count: number }>;
  /** Random search: repeated draws (not run). */
  n_duplicates: number;
  /** Parameter sets run (successes + failures). */
  n_trials: number;
  n_failures: number;
  /** Successful trials in generation order. */
  trials: TrialResult[];
  failures: TrialFailure[];
  /** One row per successful trial: `trial`, the flattened params, every metric; sorted by the objective (best first, NaN last). */
  table: pl.DataFrame;
  /** The best trial by the objective; its metrics come from a full engine run of its parameters. */
  best?: TrialResult;
  /** The first `top` rows of the table as objects. */
  top: TrialResult[];
  /** Of the best trial, given every successful trial (docs/optimize.md). */
  deflated_sharpe?: DeflatedSharpe;
  periods_per_year: number;
  frequency: string;
  cost_model: { fee_bps: number; slippage_bps: number; execution: string; lag: number };
  data: { snapshot_id: string; content_hash?: string; source?: string; securities: string[]; rows: number; start: string; end: string };
  elapsed_ms: number;
  /** Things worth knowing about how the search ran (e.g. why it ran on one thread). */
  notes: string[];
}

export function metricsRecord(values: ArrayLike<number>): BacktestMetrics {
  return Object.fromEntries(METRIC_NAMES.map((name, i) => [name, values[i]])) as BacktestMetrics;
}

/**
 * The score table: trial, flattened params (nested keys joined with '.', prefixed 'param_' if
 * a name clashes with a metric), then every metric; rows in the given order.
 */
export function scoreTable(ranked: TrialResult[]): pl.DataFrame {
  const flat = ranked.map((t) => flattenParams(t.params));
  const names: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!names.includes(k)) names.push(k);
  const series: pl.Series[] = [pl.Series('trial', Int32Array.from(ranked, (t) => t.trial))];
  for (const name of names) {
    const column = (METRIC_NAMES as readonly string[]).includes(name) || name === 'trial' ? `param_${name}` : name;
    series.push(paramSeries(column, flat.map((f) => f[name] ?? null)));
  }
  for (const metric of METRIC_NAMES) series.push(pl.Series(metric, Float64Array.from(ranked, (t) => t.metrics[metric])));
  return pl.DataFrame(series);
}

function paramSeries(name: string, values: Array<number | string | boolean | null>): pl.Series {
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 31)) return pl.Series(name, Int32Array.from(values as number[]));
  if (values.every((v) => typeof v === 'number')) return pl.Series(name, Float64Array.from(values as number[]));
  if (values.every((v) => typeof v === 'boolean')) return pl.Series(name, values as boolean[]);
  return pl.Series(name, values.map((v) => (v === null ? null : String(v))));
}

export function flattenParams(params: Record<string, unknown>, prefix = '', out: Record<string, number | string | boolean | null> = {}): Record<string, number | string | boolean | null> {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) out[key] = null;
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[key] = v;
    else if (Array.isArray(v)) out[key] = JSON.stringify(v);
    else if (typeof v === 'object') flattenParams(v as Record<string, unknown>, key, out);
    else out[key] = String(v);
  }
  return out;
}
