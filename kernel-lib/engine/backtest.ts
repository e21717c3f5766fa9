import { createHash } from 'node:crypto';
import type pl from 'nodejs-polars';
import { QuantbookError, requireParam } from '../errors';
import { dayToIso, type SecurityArrays } from '../kernels/bridge';
import type { Execution } from '../kernels/engine';
import { METRIC_NAMES } from '../kernels/metrics';
import { strategyArrays } from '../strategy/compute-targets';
import type { Strategy } from '../strategy/define';
import { getStrategy } from '../strategy/registry';
import { newRunId } from '../tracking/run-id';
import { runtimeVersions } from '../tracking/versions';
import { inferFrequency } from './frequency';
import { alignedFrame, portfolioFrame, tradeLog } from './frames';
import { canonicalJson, contentHash, guessAssetClass, resultFileStem } from './naming';
import type { BacktestIdentity, BacktestMetrics, BacktestResult, CostModel, DataIdentity } from './result';
import { saveBacktest } from './save';
import { checkTradablePrices } from './check-prices';
import { createMarket, createWorkspace, runEngine, type EngineConfig } from './workspace';

export interface BacktestOptions {
  /** A strategy object or the name of a registered one ('sma_cross'). */
  strategy: Strategy<any> | string;
  /** Strategy parameters; missing ones take the schema defaults. */
  params?: Record<string, unknown>;
  /** The price panel: security_id, date, close (+ open for next-open fills, + what the strategy reads). */
  data: pl.DataFrame | pl.LazyDataFrame;
  /** Where the data came from (snapshot id and hash, or file and sha256); default: a hash of the traded arrays. */
  dataIdentity?: Partial<Pick<DataIdentity, 'snapshot_id' | 'content_hash' | 'source'>>;
  /** Trading fee per unit of turnover, in basis points. Default 10. */
  feeBps?: number;
  /** Slippage per unit of turnover, in basis points. Default 0. */
  slippageBps?: number;
  /** 'close' (default): fill at the close of the signal bar; 'open': fill at the next bar's open. */
  execution?: Execution;
  /** Bars between a target and the position it sets: position[t] = target[t - lag]. Default 1. */
  lag?: number;
  /** Portfolio weight per security; default equal weights 1/N. */
  weights?: Record<string, number>;
  /** Override the annualization factor inferred from the bar frequency. */
  periodsPerYear?: number;
  /** 'Equity', 'FX', ... for the file name; default guessed (engine/naming.ts). */
  assetClass?: string;
  /** Also return every feature the strategy computed (`result.features`). */
  debug?: boolean;
  /** The file the data was read from, for error messages naming rows. */
  file?: string;
}

/**
 * A vectorized backtest of one strategy on one security or a small set (docs/engine.md):
 * validates the inputs, computes the targets (polars features + expression or kernel), runs
 * the typed-array engine, and returns identity, aligned frames, metrics and the trade log.
 */
export async function backtest(options: BacktestOptions): Promise<BacktestResult> {
  const strategy = typeof options.strategy === 'string' ? getStrategy(options.strategy) : options.strategy;
  const params = strategy.parseParams(options.params ?? {});
  const config = costConfig(options);
  const prices = config.execution === 'open' ? ['close', 'open'] : ['close'];
  await checkTradablePrices(options.data, { prices, columns: strategy.columns, file: options.file });

  const computed = await strategyArrays(strategy, params, options.data, { prices, debug: options.debug });
  const { arrays } = computed;
  checkTargets(strategy.name, arrays);
  requireSomeTarget(strategy.name, params, arrays);

  const frequency = inferFrequency(arrays);
  const periodsPerYear = options.periodsPerYear ?? frequency.periodsPerYear;
  requireParam(Number.isFinite(periodsPerYear) && periodsPerYear > 0, 'periodsPerYear', `must be a positive number, got ${periodsPerYear}`);
  const weights = portfolioWeights(arrays.securities, options.weights);
  const market = createMarket(arrays, weights, frequency);
  const engineConfig: EngineConfig = { costRate: config.costRate, lag: config.lag, execution: config.execution, periodsPerYear };
  const ws = createWorkspace(market);
  ws.target.set(arrays.columns.target);
  ws.signal.set(arrays.columns.signal);
  const buffer = runEngine(market, engineConfig, ws);
  const metrics = Object.fromEntries(METRIC_NAMES.map((name, i) => [name, buffer[i]])) as BacktestMetrics;

  const data: DataIdentity = {
    snapshot_id: options.dataIdentity?.snapshot_id ?? 'frame',
    content_hash: options.dataIdentity?.content_hash ?? arraysHash(arrays),
    source: options.dataIdentity?.source,
    securities: arrays.securities,
    rows: arrays.rowCount,
  };
  const weightRecord = Object.fromEntries(arrays.securities.map((s, g) => [s, weights[g]]));
  const costModel: CostModel = {
    id: `bps(fee=${config.feeBps},slippage=${config.slippageBps})/${config.execution}/lag${config.lag}`,
    fee_bps: config.feeBps,
    slippage_bps: config.slippageBps,
    execution: config.execution,
    lag: config.lag,
  };
  const hash = contentHash({
    strategy: strategy.name, version: strategy.version, params, data: data.content_hash,
    cost: costModel.id, weights: weightRecord, periods_per_year: periodsPerYear,
  });
  const assetClass = options.assetClass ?? guessAssetClass(arrays.securities);
  const identity: BacktestIdentity = {
    run_id: newRunId(),
    content_hash: hash,
    created_at: new Date().toISOString(),
    strategy: strategy.name,
    strategy_version: strategy.version,
    params,
    params_json: canonicalJson(params),
    params_flat: flattenParams(params),
    data,
    frequency: frequency.label,
    periods_per_year: periodsPerYear,
    start: timeToIso(market.timeline[0], arrays.timeUnit),
    end: timeToIso(market.timeline[market.timeline.length - 1], arrays.timeUnit),
    cost_model: costModel,
    weights: weightRecord,
    asset_class: assetClass,
    versions: runtimeVersions(),
  };
  const result: BacktestResult = {
    identity,
    metrics,
    frame: alignedFrame(market, ws),
    portfolio: portfolioFrame(market, ws),
    trades: tradeLog(market, engineConfig, ws),
    features: computed.features,
    fileStem: resultFileStem(strategy.name, assetClass, frequency.label, hash),
    save: (dir: string) => saveBacktest(result, dir),
  };
  return result;
}

interface CostConfig {
  feeBps: number;
  slippageBps: number;
  costRate: number;
  execution: Execution;
  lag: number;
}

export function costConfig(options: Pick<BacktestOptions, 'feeBps' | 'slippageBps' | 'execution' | 'lag'>): CostConfig {
  const feeBps = options.feeBps ?? 10;
  const slippageBps = options.slippageBps ?? 0;
  const execution = options.execution ?? 'close';
  const lag = options.lag ?? 1;
  requireParam(typeof feeBps === 'number' && Number.isFinite(feeBps) && feeBps >= 0, 'feeBps', `must be a finite number >= 0, got ${feeBps}`, 'fees are a cost: pass e.g. 10 for 10 basis points');
  requireParam(typeof slippageBps === 'number' && Number.isFinite(slippageBps) && slippageBps >= 0, 'slippageBps', `must be a finite number >= 0, got ${slippageBps}`, 'slippage is a cost: pass e.g. 5 for 5 basis points');
  requireParam(execution === 'close' || execution === 'open', 'execution', `must be 'close' or 'open', got '${execution}'`);
  requireParam(Number.isInteger(lag) && lag >= 1, 'lag', `must be a whole number of bars >= 1, got ${lag}`, 'lag 0 would trade on a signal before it exists (lookahead)');
  return { feeBps, slippageBps, costRate: (feeBps + slippageBps) / 10_000, execution, lag };
}

/** Targets must lie in [-1, 1] (NaN = no position). */
export function checkTargets(strategy: string, arrays: SecurityArrays): void {
  const target = arrays.columns.target;
  for (let i = 0; i < target.length; i++) {
    const x = target[i];
    if (x > 1 || x < -1 || x === Infinity || x === -Infinity) {
      let g = 0;
      while (arrays.offsets[g + 1] <= i) g++;
      throw new QuantbookError(
        'BAD_TARGET',
        `strategy '${strategy}' produced target ${x} for security '${arrays.securities[g]}' at ${timeToIso(arrays.time[i], arrays.timeUnit)}; targets must lie in [-1, 1]`,
        'scale the target: 1 = fully long, -1 = fully short, 0 = flat',
      );
    }
  }
}

/** A run where every bar is warm-up says nothing: say so instead of printing NaN metrics. */
export function requireSomeTarget(strategy: string, params: Record<string, unknown>, arrays: SecurityArrays): void {
  const target = arrays.columns.target;
  for (let i = 0; i < target.length; i++) if (target[i] === target[i]) return;
  const longest = Math.max(arrays.offsets[1] - arrays.offsets[0], ...Array.from({ length: arrays.securities.length - 1 }, (_, g) => arrays.offsets[g + 2] - arrays.offsets[g + 1]));
  throw new QuantbookError(
    'NO_TARGETS',
    `strategy '${strategy}' (${JSON.stringify(params)}) produced no target on any bar: the data has ${longest} bars per security at most, all of them warm-up`,
    'use more history or shorter indicator windows',
  );
}

export function portfolioWeights(securities: string[], given?: Record<string, number>): Float64Array {
  const weights = new Float64Array(securities.length);
  if (!given) return weights.fill(1 / securities.length);
  for (const name of Object.keys(given)) {
    if (!securities.includes(name)) {
      throw new QuantbookError('BAD_PARAMETER', `parameter 'weights': security '${name}' is not in the data (securities: ${securities.join(', ')})`);
    }
  }
  securities.forEach((s, g) => {
    const w = given[s];
    requireParam(typeof w === 'number' && Number.isFinite(w) && w >= 0, 'weights', `weight of '${s}' must be a finite number >= 0, got ${w}`, 'give every security a weight (they need not sum to 1)');
    weights[g] = w;
  });
  return weights;
}

/** sha256 over the securities, timestamps and prices the engine traded. */
function arraysHash(arrays: SecurityArrays): string {
  const h = createHash('sha256');
  h.update(arrays.securities.join('\u0000'));
  h.update(new Uint8Array(arrays.offsets.buffer, arrays.offsets.byteOffset, arrays.offsets.byteLength));
  h.update(new Uint8Array(arrays.time.buffer, arrays.time.byteOffset, arrays.time.byteLength));
  for (const c of ['close', 'open', 'high', 'low']) {
    const col = arrays.columns[c];
    if (col) h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
  }
  return h.digest('hex');
}

export function timeToIso(t: number, unit: 'day' | 'ms'): string {
  return unit === 'day' ? dayToIso(t) : new Date(t).toISOString();
}

function flattenParams(params: Record<string, unknown>, prefix = '', out: Record<string, number | string | boolean | null> = {}): Record<string, number | string | boolean | null> {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[key] = v;
    else if (Array.isArray(v)) out[key] = JSON.stringify(v);
    else if (typeof v === 'object') flattenParams(v as Record<string, unknown>, key, out);
    else out[key] = String(v);
  }
  return out;
}
