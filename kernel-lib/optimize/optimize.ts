import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { METRIC_NAMES, Metric, type MetricName } from '../kernels/metrics';
import type { Strategy } from '../strategy/define';
import { deflatedSharpe, type DeflatedSharpe } from './deflated-sharpe';
import { TrialEvaluator, type TrialOutcome } from './evaluate';
import { gridParamSets, parseParamSpace, type ParamSets, type ParamSpace } from './grid';
import type { TrialRunner } from './pool';
import { randomParamSets } from './random';
import { metricsRecord, scoreTable, type Direction, type OptimizeProgress, type OptimizeResult, type TrialFailure, type TrialResult } from './results';
import { contextRunner, prepareSearch, runTrials, type SearchContext, type SearchSetup } from './search';
import type { TimeRange } from './shared-panel';
import { SWEEP_SKIPS } from './sweep';

export interface OptimizeOptions extends SearchSetup {
  /**
   * The search space: per parameter a list, a range {from, to, step?} or a single value; or
   * text such as 'fast=5..50,slow=20..200:10'. Without `random`, every combination (grid).
   */
  grid: ParamSpace | string;
  /** Random search over the same space instead of the full grid. */
  random?: { samples: number; seed?: number };
  /** Metric to rank by (default 'sharpe'). */
  objective?: MetricName;
  /** 'max' (default) or 'min' (e.g. annual_volatility). */
  direction?: Direction;
  /** Rows in `result.top` (default 10). */
  top?: number;
  signal?: AbortSignal;
  onProgress?: (progress: OptimizeProgress) => void;
}

/**
 * Grid or random search of a strategy's parameters (docs/optimize.md): parameter sets from the
 * space, checked against the strategy's schema (invalid ones counted, not run); each run on
 * worker threads sharing the data (or through the sma_cross sweep fast path); a failing set is
 * recorded and the search goes on; results ranked by the objective, with the deflated Sharpe
 * ratio of the best given every trial.
 */
export async function optimize(options: OptimizeOptions): Promise<OptimizeResult> {
  const started = performance.now();
  const context = await prepareSearch(options);
  const objective = checkObjective(options.objective ?? 'sharpe');
  const direction = options.direction ?? 'max';
  if (direction !== 'max' && direction !== 'min') throw new QuantbookError('BAD_PARAMETER', `parameter 'direction' must be 'max' or 'min', got '${direction}'`);
  const sets = paramSetsFor(context.strategy, options);
  if (sets.sets.length === 0) {
    throw new QuantbookError(
      'NO_VALID_PARAMETERS',
      `none of the ${sets.candidates} parameter combinations is valid for '${context.strategy.name}'${sets.invalidReasons.length ? `: ${sets.invalidReasons.map((r) => `${r.reason} (${r.count})`).join('; ')}` : ''}`,
      'widen the ranges so that the strategy rules hold (e.g. fast < slow)',
    );
  }
  const runner = contextRunner(context);
  try {
    const search = await searchSets(context, runner, sets.sets, { signal: options.signal, onProgress: options.onProgress, objective, direction, top: options.top });
    return {
      strategy: context.strategy.name,
      strategy_version: context.strategy.version,
      method: options.random ? 'random' : 'grid',
      seed: options.random ? options.random.seed ?? 0 : undefined,
      objective,
      direction,
      ...search,
      n_candidates: sets.candidates,
      n_invalid: sets.invalid,
      invalid_reasons: sets.invalidReasons,
      n_duplicates: sets.duplicates,
      periods_per_year: context.config.periodsPerYear,
      frequency: context.config.frequency.label,
      cost_model: { fee_bps: context.feeBps, slippage_bps: context.slippageBps, execution: context.config.execution, lag: context.config.lag },
      data: context.data,
      elapsed_ms: performance.now() - started,
      notes: [...context.notes, ...search.notes],
    };
  } finally {
    await runner.close();
  }
}

export function paramSetsFor(strategy: Strategy<any>, options: Pick<OptimizeOptions, 'grid' | 'random'>): ParamSets {
  const space = typeof options.grid === 'string' ? parseParamSpace(strategy, options.grid) : options.grid;
  if (!space || Object.keys(space).length === 0) {
    throw new QuantbookError('BAD_PARAMETER', "parameter 'grid': give at least one parameter to search", "e.g. grid: {fast: {from: 5, to: 50}, slow: [50, 100, 200]} or 'fast=5..50,slow=20..200:10'");
  }
  return options.random ? randomParamSets(strategy, space, options.random) : gridParamSets(strategy, space);
}

export interface SearchSetsOptions {
  objective: MetricName;
  direction: Direction;
  top?: number;
  range?: TimeRange;
  signal?: AbortSignal;
  onProgress?: (progress: OptimizeProgress) => void;
  sweepMinWorkPerThread?: number;
  /** Build `trials`, `table` and `top` (default true; a walk-forward only needs the best). */
  details?: boolean;
  /** Reused for the best's full run (keeps the panel frame of recent ranges). */
  evaluator?: TrialEvaluator;
}

export type SetsSearch = Pick<OptimizeResult, 'path' | 'threads' | 'n_trials' | 'n_failures' | 'trials' | 'failures' | 'table' | 'best' | 'top' | 'deflated_sharpe' | 'notes'>;

/** Runs validated parameter sets and ranks them: the core shared by optimize() and the walk-forward. */
export async function searchSets(context: SearchContext, runner: TrialRunner, paramSets: Record<string, unknown>[], options: SearchSetsOptions): Promise<SetsSearch> {
  const started = performance.now();
  let failures = 0;
  const onDone = options.onProgress
    ? (done: number, total: number) => {
        const elapsedMs = performance.now() - started;
        options.onProgress!({ done, total, failures, elapsedMs, etaMs: done > 0 ? (elapsedMs / done) * (total - done) : NaN });
      }
    : undefined;
  const { outcomes, path, threads } = await runTrials(context, runner, paramSets, {
    range: options.range, signal: options.signal, sweepMinWorkPerThread: options.sweepMinWorkPerThread, needs: [options.objective],
    onDone: onDone && ((done, total) => onDone(done, total)),
  });
  const succeeded: number[] = [];
  const failed: TrialFailure[] = [];
  outcomes.forEach((outcome: TrialOutcome, trial) => {
    if (outcome.ok) succeeded.push(trial);
    else failed.push({ trial, params: paramSets[trial], error: outcome.error });
  });
  failures = failed.length;
  const metric = (trial: number, slot: number) => (outcomes[trial] as { metrics: Float64Array }).metrics[slot];
  const ranked = rankIndices(succeeded, (trial) => metric(trial, Metric[options.objective]), options.direction);
  const finite = ranked.filter((trial) => !Number.isNaN(metric(trial, Metric[options.objective])));
  const notes: string[] = [];
  if (path === 'sweep') notes.push(`sweep fast path: every metric but ${SWEEP_SKIPS.join(', ')} (NaN in the table; the best's comes from a full engine run)`);
  let best: TrialResult | undefined;
  let deflated: DeflatedSharpe | undefined;
  if (finite.length) {
    // One full engine run of the best parameters on the calling thread: its return series for
    // the deflated Sharpe's moments, and every metric (the sweep skips stability).
    const evaluator = options.evaluator ?? new TrialEvaluator(context.panel, context.strategy, context.config);
    const { ws } = await evaluator.run(paramSets[finite[0]], options.range);
    best = { trial: finite[0], params: paramSets[finite[0]], metrics: metricsRecord(ws.metrics) };
    const root = Math.sqrt(context.config.periodsPerYear);
    deflated = deflatedSharpe({
      trialSharpes: succeeded.map((trial) => metric(trial, Metric.sharpe) / root),
      sharpe: ws.metrics[Metric.sharpe] / root,
      returns: ws.portfolio.net,
      periodsPerYear: context.config.periodsPerYear,
    });
  }
  const details = options.details ?? true;
  const record = (trial: number): TrialResult => ({ trial, params: paramSets[trial], metrics: metricsRecord((outcomes[trial] as { metrics: Float64Array }).metrics) });
  const rankedTrials = details ? ranked.map(record) : [];
  const byTrial = new Map(rankedTrials.map((t) => [t.trial, t]));
  return {
    path,
    threads,
    n_trials: paramSets.length,
    n_failures: failed.length,
    trials: details ? succeeded.map((trial) => byTrial.get(trial)!) : [],
    failures: failed,
    table: details ? scoreTable(rankedTrials) : pl.DataFrame({}),
    best,
    top: details ? finite.slice(0, options.top ?? 10).map((trial, i) => (i === 0 && best ? best : rankedTrials[i])) : best ? [best] : [],
    deflated_sharpe: deflated,
    notes,
  };
}

/**
 * Trials ordered by the objective: best first ('max': descending), ties in generation order,
 * NaN last. Deterministic for a given set of results.
 */
function rankIndices(trials: number[], value: (trial: number) => number, direction: Direction): number[] {
  const sign = direction === 'max' ? -1 : 1;
  return [...trials].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const xNaN = Number.isNaN(x);
    const yNaN = Number.isNaN(y);
    if (xNaN || yNaN) return xNaN === yNaN ? a - b : xNaN ? 1 : -1;
    if (x !== y) return sign * (x < y ? -1 : 1);
    return a - b;
  });
}

function checkObjective(objective: string): MetricName {
  if (!(METRIC_NAMES as readonly string[]).includes(objective)) {
    throw new QuantbookError('BAD_PARAMETER', `objective '${objective}' is not a metric`, `pick one of ${METRIC_NAMES.join(', ')} (docs/metrics.md)`);
  }
  return objective as MetricName;
}
