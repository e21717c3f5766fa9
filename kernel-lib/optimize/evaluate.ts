import type pl from 'nodejs-polars';
import { checkTargets, portfolioWeights, requireSomeTarget } from '../engine/backtest';
import type { Frequency } from '../engine/frequency';
import { createMarket, createWorkspace, runEngine, type EngineConfig, type EngineWorkspace, type Market } from '../engine/workspace';
import { isQuantbookError } from '../errors';
import { fromSecurityArrays, type SecurityArrays } from '../kernels/bridge';
import { strategyArrays } from '../strategy/compute-targets';
import type { Strategy } from '../strategy/define';
import { sliceByTime, type TimeRange } from './shared-panel';

/** How every trial is run: the backtest's cost model and annualization, fixed for the search. */
export interface TrialConfig extends EngineConfig {
  /** Price columns the engine reads: ['close'], plus 'open' for next-open fills. */
  prices: string[];
  /** Bar frequency of the whole data set (so every window annualizes alike). */
  frequency: Frequency;
  /** Portfolio weights by security; default equal weights over the securities present. */
  weights?: Record<string, number>;
}

export interface TrialError {
  code: string;
  message: string;
}

export type TrialOutcome = { ok: true; metrics: Float64Array } | { ok: false; error: TrialError };

interface RangeContext {
  key: string;
  frame: pl.DataFrame;
  market: Market;
  ws: EngineWorkspace;
}

/**
 * The general path of a search: one parameter set = the strategy's features and target through
 * polars (strategyArrays, as backtest() does), then the engine on typed arrays (runEngine) into
 * a reused workspace. Runs on a worker thread or the calling thread alike. The panel frame and
 * the engine buffers are built once per time range and reused by every trial on it.
 */
export class TrialEvaluator {
  private contexts: RangeContext[] = [];

  constructor(
    private readonly panel: SecurityArrays,
    private readonly strategy: Strategy<any>,
    private readonly config: TrialConfig,
  ) {}

  /** Metrics of one parameter set (slots of `Metric`), or the error it raised. Never throws. */
  async evaluate(params: Record<string, unknown>, range?: TimeRange): Promise<TrialOutcome> {
    try {
      const { ws } = await this.run(params, range);
      return { ok: true, metrics: Float64Array.from(ws.metrics) };
    } catch (e) {
      return { ok: false, error: trialError(e) };
    }
  }

  /**
   * Runs one parameter set and returns the market and workspace after the run (positions,
   * returns and metrics of every bar; reused by the next call: copy what you keep).
   */
  async run(params: Record<string, unknown>, range?: TimeRange): Promise<{ market: Market; ws: EngineWorkspace }> {
    const parsed = this.strategy.parseParams(params);
    const context = this.context(range);
    const computed = await strategyArrays(this.strategy, parsed, context.frame, { prices: this.config.prices });
    const { arrays } = computed;
    if (arrays.rowCount !== context.market.arrays.rowCount) {
      throw new Error(`internal: the strategy's arrays have ${arrays.rowCount} rows, the market ${context.market.arrays.rowCount}`);
    }
    checkTargets(this.strategy.name, arrays);
    requireSomeTarget(this.strategy.name, parsed, arrays);
    context.ws.target.set(arrays.columns.target);
    context.ws.signal.set(arrays.columns.signal);
    runEngine(context.market, this.config, context.ws);
    return { market: context.market, ws: context.ws };
  }

  private context(range: TimeRange | undefined): RangeContext {
    const key = range ? `${range.from}:${range.to}` : 'all';
    const found = this.contexts.find((c) => c.key === key);
    if (found) return found;
    const arrays = range ? sliceByTime(this.panel, range) : this.panel;
    if (arrays.rowCount === 0) throw Object.assign(new Error('the time range holds no bars'), { code: 'EMPTY_DATA' });
    const frame = fromSecurityArrays(arrays, arrays.columns);
    const given = this.config.weights;
    const weights = portfolioWeights(arrays.securities, given ? Object.fromEntries(arrays.securities.map((s) => [s, given[s]])) : undefined);
    const market = createMarket(arrays, weights, this.config.frequency);
    const context = { key, frame, market, ws: createWorkspace(market) };
    // A walk-forward touches each window's range a few times in a row: keep the last two.
    this.contexts = [context, ...this.contexts].slice(0, 2);
    return context;
  }
}

export function trialError(e: unknown): TrialError {
  if (isQuantbookError(e)) return { code: e.code, message: e.message };
  const code = (e as { code?: unknown })?.code;
  return { code: typeof code === 'string' ? code : 'STRATEGY_FAILED', message: String((e as Error)?.message ?? e).split('\n')[0] };
}
