import type { SecurityArrays } from '../kernels/bridge';
import { engineKernel, equityKernel, type EngineOutputs, type Execution } from '../kernels/engine';
import { combinePortfolio, timelineIndex, unionTimeline, type PortfolioOutputs } from '../kernels/engine-portfolio';
import { exposureMetricsKernel, metricsBuffer, Metric, returnMetricsKernel } from '../kernels/metrics';
import { scanTrades, TRADE_STAT_SLOTS, tradeMetrics } from '../kernels/trades';
import type { Frequency } from './frequency';

/**
 * Everything about the market that does not depend on strategy parameters: price arrays
 * grouped by security, weights, the union timeline, the frequency. Built once per data set;
 * a parameter search shares it across thousands of runs.
 */
export interface Market {
  /** `columns.close` (and `columns.open` for next-open fills), `time`, `offsets`. */
  arrays: SecurityArrays;
  /** Weight of each security (arrays.securities order). */
  weights: Float64Array;
  /** Distinct timestamps over all securities, sorted (days or ms, as arrays.timeUnit). */
  timeline: Float64Array;
  /** For each row, its index in `timeline`. */
  rowToTimeline: Int32Array;
  frequency: Frequency;
}

export interface EngineConfig {
  /** (fee + slippage) in bps / 10,000. */
  costRate: number;
  /** position[t] = target[t - lag]; >= 1. */
  lag: number;
  execution: Execution;
  periodsPerYear: number;
}

/**
 * Preallocated buffers for one run; reused across runs without allocation. Write the
 * targets (and optionally a signal) into `target` / `signal`, then call runEngine.
 */
export interface EngineWorkspace {
  target: Float64Array;
  signal: Float64Array;
  bars: EngineOutputs;
  portfolio: PortfolioOutputs;
  equity: Float64Array;
  drawdown: Float64Array;
  tradeStats: Float64Array;
  metrics: Float64Array;
  nanCount: number;
  /**
   * Portfolio equity and drawdown: filled by fillEquity, not by runEngine (which uses
   * `equity` as scratch). With one security
   * of weight 1, `portfolio` shares the per-bar buffers (its `exposure` is then the signed
   * position: test it for != 0 only).
   */
  /** Per-security views into the buffers above (made once). */
  views: SecurityViews[];
}

interface SecurityViews {
  close: Float64Array;
  open: Float64Array | undefined;
  target: Float64Array;
  signal: Float64Array;
  out: EngineOutputs;
}

export function createMarket(arrays: SecurityArrays, weights: Float64Array, frequency: Frequency): Market {
  let timeline: Float64Array;
  const rowToTimeline = new Int32Array(arrays.rowCount);
  if (arrays.securities.length === 1) {
    timeline = Float64Array.from(arrays.time);
    for (let i = 0; i < rowToTimeline.length; i++) rowToTimeline[i] = i;
  } else {
    timeline = unionTimeline(arrays.time, arrays.offsets);
    timelineIndex(arrays.time, arrays.offsets, timeline, rowToTimeline);
  }
  return { arrays, weights, timeline, rowToTimeline, frequency };
}

/** One security with weight 1: the portfolio is that security, so its buffers are shared, not summed. */
function isDirect(market: Market): boolean {
  return market.arrays.securities.length === 1 && market.weights[0] === 1;
}

export function createWorkspace(market: Market): EngineWorkspace {
  const rows = market.arrays.rowCount;
  const steps = market.timeline.length;
  const f = () => new Float64Array(rows);
  const p = () => new Float64Array(steps);
  const target = f().fill(NaN);
  const signal = f().fill(NaN);
  const bars: EngineOutputs = { position: f(), turnover: f(), assetReturn: f(), gross: f(), cost: f(), net: f() };
  const { offsets, columns } = market.arrays;
  const views: SecurityViews[] = [];
  for (let g = 0; g + 1 < offsets.length; g++) {
    const a = offsets[g];
    const b = offsets[g + 1];
    const view = (x: Float64Array) => x.subarray(a, b);
    views.push({
      close: view(columns.close),
      open: columns.open ? view(columns.open) : undefined,
      target: view(target),
      signal: view(signal),
      out: {
        position: view(bars.position), turnover: view(bars.turnover), assetReturn: view(bars.assetReturn),
        gross: view(bars.gross), cost: view(bars.cost), net: view(bars.net),
      },
    });
  }
  return {
    target,
    signal,
    bars,
    portfolio: isDirect(market)
      ? { exposure: bars.position, turnover: bars.turnover, gross: bars.gross, cost: bars.cost, net: bars.net, benchmark: bars.assetReturn }
      : { exposure: p(), turnover: p(), gross: p(), cost: p(), net: p(), benchmark: p() },
    equity: p(),
    drawdown: p(),
    tradeStats: new Float64Array(TRADE_STAT_SLOTS),
    metrics: metricsBuffer(),
    nanCount: 0,
    views,
  };
}

/**
 * One backtest on arrays: the engine per security, the weighted portfolio and every metric
 * into `ws.metrics` (slots of `Metric`). Allocates nothing. (Equity and drawdown curves are
 * only built for frames: call fillEquity.)
 * `ws.signal` is only read for the trades' entry signal (copy the target there if there is none).
 */
export function runEngine(market: Market, config: EngineConfig, ws: EngineWorkspace): Float64Array {
  ws.tradeStats.fill(0);
  let missing = 0;
  for (const v of ws.views) {
    missing += engineKernel(v.close, v.open, v.target, config.lag, config.costRate, config.execution, v.out);
    scanTrades(v.close, v.open, v.out.position, v.signal, config.lag, config.costRate, config.execution, ws.tradeStats, undefined, 0, v.out.assetReturn);
  }
  ws.nanCount = missing;
  if (!isDirect(market)) combinePortfolio(market.arrays.offsets, market.weights, market.rowToTimeline, ws.bars, ws.portfolio);
  returnMetricsKernel(ws.portfolio.net, config.periodsPerYear, ws.metrics, ws.equity); // equity doubles as scratch
  exposureMetricsKernel(ws.portfolio.exposure, ws.portfolio.turnover, ws.portfolio.gross, ws.portfolio.cost, config.periodsPerYear, missing, ws.metrics);
  tradeMetrics(ws.tradeStats, ws.metrics, Metric);
  return ws.metrics;
}

/** Equity and drawdown of the portfolio's net returns into ws.equity / ws.drawdown. */
export function fillEquity(ws: EngineWorkspace): void {
  equityKernel(ws.portfolio.net, ws.equity, ws.drawdown);
}
