import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { METRIC_NAMES } from '../kernels/metrics';
import type { BacktestResult, SavedBacktest } from './result';

/**
 * Writes a backtest into `dir`: `<stem>.parquet` (aligned frame), `<stem>.trades.parquet`,
 * `<stem>.metrics.parquet` (one row: identity columns, params as JSON and as `param_<name>`
 * columns, every metric), `<stem>.portfolio.parquet` with several securities, and
 * `<stem>.json`. Each file is written to a temporary name and renamed, so a reader never sees
 * half a file.
 */
export async function saveBacktest(result: BacktestResult, dir: string): Promise<SavedBacktest> {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, result.fileStem);
  const saved: SavedBacktest = {
    frame: `${stem}.parquet`,
    trades: `${stem}.trades.parquet`,
    metrics: `${stem}.metrics.parquet`,
    json: `${stem}.json`,
  };
  writeParquetAtomic(result.frame, saved.frame);
  writeParquetAtomic(result.trades, saved.trades);
  writeParquetAtomic(metricsRow(result), saved.metrics);
  if (result.identity.data.securities.length > 1) {
    saved.portfolio = `${stem}.portfolio.parquet`;
    writeParquetAtomic(result.portfolio, saved.portfolio);
  }
  const json = { identity: result.identity, metrics: jsonMetrics(result.metrics), trades: result.trades.height, files: saved };
  writeAtomic(saved.json, JSON.stringify(json, null, 2) + '\n');
  return saved;
}

/** The canonical one-row metrics table (stable column names, docs/engine.md). */
export function metricsRow(result: BacktestResult): pl.DataFrame {
  const id = result.identity;
  const columns: pl.Series[] = [
    pl.Series('run_id', [id.run_id]),
    pl.Series('content_hash', [id.content_hash]),
    pl.Series('created_at', [id.created_at]),
    pl.Series('strategy', [id.strategy]),
    pl.Series('strategy_version', [id.strategy_version]),
    pl.Series('params_json', [id.params_json]),
    pl.Series('snapshot_id', [id.data.snapshot_id]),
    pl.Series('data_hash', [id.data.content_hash]),
    pl.Series('securities', [id.data.securities.join(',')]),
    pl.Series('asset_class', [id.asset_class]),
    pl.Series('frequency', [id.frequency]),
    pl.Series('periods_per_year', [id.periods_per_year], pl.Float64),
    pl.Series('start', [id.start]),
    pl.Series('end', [id.end]),
    pl.Series('cost_model', [id.cost_model.id]),
    pl.Series('fee_bps', [id.cost_model.fee_bps], pl.Float64),
    pl.Series('slippage_bps', [id.cost_model.slippage_bps], pl.Float64),
    pl.Series('execution', [id.cost_model.execution]),
    pl.Series('lag', [id.cost_model.lag], pl.Int32),
  ];
  for (const [k, v] of Object.entries(id.params_flat)) {
    const name = `param_${k}`;
    if (typeof v === 'number') columns.push(pl.Series(name, [v], pl.Float64));
    else if (typeof v === 'boolean') columns.push(pl.Series(name, [v], pl.Bool));
    else columns.push(pl.Series(name, [v === null ? null : String(v)], pl.Utf8));
  }
  for (const m of METRIC_NAMES) columns.push(pl.Series(m, [result.metrics[m]], pl.Float64));
  return pl.DataFrame(columns);
}

/** Metrics for JSON: NaN and +-Infinity become null (JSON has neither). */
export function jsonMetrics(metrics: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

function writeParquetAtomic(frame: pl.DataFrame, path: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  frame.writeParquet(temp, { compression: 'zstd' });
  renameSync(temp, path);
}

function writeAtomic(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
