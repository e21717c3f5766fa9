import type pl from 'nodejs-polars';
import type { MetricName } from '../kernels/metrics';
import type { RuntimeVersions } from '../tracking/versions';
import type { Execution } from '../kernels/engine';

/** Every metric by name (docs/metrics.md). Non-finite values are NaN/Infinity here, null in JSON. */
export type BacktestMetrics = Record<MetricName, number>;

export interface CostModel {
  /** e.g. 'bps(fee=10,slippage=0)/close/lag1'. */
  id: string;
  fee_bps: number;
  slippage_bps: number;
  execution: Execution;
  lag: number;
}

export interface DataIdentity {
  /** Catalog snapshot id, 'file:<name>' for a plain file, 'frame' for an in-memory panel. */
  snapshot_id: string;
  /** Snapshot content hash, the file's sha256, or a sha256 of the traded arrays. */
  content_hash: string;
  /** The path or snapshot name the data came from. */
  source?: string;
  securities: string[];
  rows: number;
}

/** Who/what/when of a backtest: enough to reproduce it and to tell runs apart. */
export interface BacktestIdentity {
  /** Unique per run (time-sortable, tracking/run-id.ts). */
  run_id: string;
  /** sha256 of the inputs (strategy, version, params, data hash, cost model, weights, period): equal inputs, equal hash. */
  content_hash: string;
  created_at: string;
  strategy: string;
  strategy_version: string;
  params: Record<string, unknown>;
  /** The params as canonical JSON (keys sorted) ... */
  params_json: string;
  /** ... and flattened to scalar columns (nested keys joined with '.'; arrays as JSON). */
  params_flat: Record<string, number | string | boolean | null>;
  data: DataIdentity;
  frequency: string;
  periods_per_year: number;
  /** First and last timestamp traded (ISO). */
  start: string;
  end: string;
  cost_model: CostModel;
  /** Portfolio weight of each security. */
  weights: Record<string, number>;
  asset_class: string;
  versions: RuntimeVersions;
}

export interface BacktestResult {
  identity: BacktestIdentity;
  metrics: BacktestMetrics;
  /**
   * The aligned frame, one row per security and bar: security_id, date, close, (open,) signal,
   * target, position, turnover, asset_return, gross, cost, net, equity, drawdown.
   */
  frame: pl.DataFrame;
  /**
   * The portfolio per timestamp (the weighted sum over securities; for one security with
   * weight 1, the same numbers as `frame`): date, exposure, turnover, gross, cost, net,
   * equity, drawdown, benchmark_return, benchmark_equity (buy and hold with the same weights).
   */
  portfolio: pl.DataFrame;
  /** One row per trade (docs/engine.md, "Trade log"). */
  trades: pl.DataFrame;
  /** Debug mode only: every feature the strategy computed, per security and bar. */
  features?: pl.DataFrame;
  /** `StrategyName_AssetClass_TimeFrame_Hash` (engine/naming.ts); files add `.parquet` etc. */
  fileStem: string;
  /** Writes the result into `dir` (created if needed); see SavedBacktest. */
  save(dir: string): Promise<SavedBacktest>;
}

export interface SavedBacktest {
  /** `<stem>.parquet`: the aligned frame. */
  frame: string;
  /** `<stem>.trades.parquet`. */
  trades: string;
  /** `<stem>.metrics.parquet`: one row, the canonical metrics schema (identity, params, metrics). */
  metrics: string;
  /** `<stem>.portfolio.parquet` (only with several securities). */
  portfolio?: string;
  /** `<stem>.json`: identity + metrics + file names. */
  json: string;
}

export type ExecutionMode = Execution;
