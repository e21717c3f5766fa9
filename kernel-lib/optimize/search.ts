import { createHash } from 'node:crypto';
import type pl from 'nodejs-polars';
import { costConfig, portfolioWeights, timeToIso, type BacktestOptions } from '../engine/backtest';
import { checkTradablePrices } from '../engine/check-prices';
import { inferFrequency } from '../engine/frequency';
import type { DataIdentity } from '../engine/result';
import { requireParam } from '../errors';
import { toSecurityArrays, type SecurityArrays } from '../kernels/bridge';
import type { Strategy } from '../strategy/define';
import { getStrategy } from '../strategy/registry';
import type { TrialConfig, TrialOutcome } from './evaluate';
import { createRunner, defaultThreads, type RunOptions, type TrialRunner } from './pool';
import { sharePanel, sliceByTime, type TimeRange } from './shared-panel';
import { canSweep, sweepSmaCross, SWEEP_SKIPS } from './sweep';
import type { StrategyRef } from './worker';

/** What a search and a walk-forward share: the data (once, on SharedArrayBuffers) and how trials run. */
export interface SearchSetup extends Pick<BacktestOptions, 'feeBps' | 'slippageBps' | 'execution' | 'lag' | 'periodsPerYear' | 'weights'> {
  /** A strategy object or the name of a registered one. */
  strategy: Strategy<any> | string;
  /** The price panel (security_id, date, close, + open/high/low the strategy reads). */
  data: pl.DataFrame | pl.LazyDataFrame;
  /** Where the data came from (file and sha256, or catalog snapshot); default: a hash of the prices. */
  dataIdentity?: Partial<Pick<DataIdentity, 'snapshot_id' | 'content_hash' | 'source'>>;
  /** The file the data was read from, for error messages naming rows. */
  file?: string;
  /** Worker threads (0: the calling thread). Default os.availableParallelism(). */
  threads?: number;
  /**
   * A module that registers (registerStrategy) or exports the strategy, so worker threads can
   * load it. Built-ins need none; without it, a strategy object that is not registered runs on
   * the calling thread.
   */
  strategyModule?: string;
  /** Use the sweep fast path when the strategy allows it (sma_cross, one security, close fills). Default true. */
  fastPath?: boolean;
}

export interface SearchContext {
  strategy: Strategy<any>;
  /** The panel on SharedArrayBuffers. */
  panel: SecurityArrays;
  config: TrialConfig;
  feeBps: number;
  slippageBps: number;
  /** How worker threads find the strategy; undefined: trials run on the calling thread. */
  strategyRef?: StrategyRef;
  threads: number;
  fastPath: boolean;
  data: { snapshot_id: string; content_hash?: string; source?: string; securities: string[]; rows: number; start: string; end: string };
  notes: string[];
}

const PRICE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'];

/**
 * Validates the inputs as backtest() does and moves the panel out of polars once, onto
 * SharedArrayBuffers (workers read it without copies).
 */
export async function prepareSearch(setup: SearchSetup): Promise<SearchContext> {
  const strategy = typeof setup.strategy === 'string' ? getStrategy(setup.strategy) : setup.strategy;
  const cost = costConfig(setup);
  const prices = cost.execution === 'open' ? ['close', 'open'] : ['close'];
  await checkTradablePrices(setup.data, { prices, columns: strategy.columns, file: setup.file });
  const lazy = 'collectSync' in setup.data ? (setup.data as pl.LazyDataFrame) : (setup.data as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  const columns = [...new Set([...PRICE_COLUMNS, ...(strategy.columns ?? [])])].filter((c) => c in schema);
  const panel = sharePanel(await toSecurityArrays(lazy, { columns }));
  const frequency = inferFrequency(panel);
  const periodsPerYear = setup.periodsPerYear ?? frequency.periodsPerYear;
  requireParam(Number.isFinite(periodsPerYear) && periodsPerYear > 0, 'periodsPerYear', `must be a positive number, got ${periodsPerYear}`);
  portfolioWeights(panel.securities, setup.weights); // validates the names and values

  const notes: string[] = [];
  let strategyRef: StrategyRef | undefined;
  let registered = false;
  try {
    registered = getStrategy(strategy.name) === strategy;
  } catch {
    registered = false;
  }
  if (registered || setup.strategyModule) strategyRef = { name: strategy.name, module: setup.strategyModule };
  let threads = setup.threads ?? defaultThreads();
  if (!strategyRef && threads > 0) {
    notes.push(`strategy '${strategy.name}' is not registered and no strategyModule was given, so worker threads cannot load it: trials ran on the calling thread`);
    threads = 0;
  }
  let first = Infinity;
  let last = -Infinity;
  for (let g = 0; g < panel.securities.length; g++) {
    const a = panel.offsets[g];
    const b = panel.offsets[g + 1];
    if (b > a) {
      first = Math.min(first, panel.time[a]);
      last = Math.max(last, panel.time[b - 1]);
    }
  }
  return {
    strategy,
    panel,
    config: { costRate: cost.costRate, lag: cost.lag, execution: cost.execution, periodsPerYear, prices, frequency, weights: setup.weights },
    feeBps: cost.feeBps,
    slippageBps: cost.slippageBps,
    strategyRef,
    threads,
    fastPath: setup.fastPath ?? true,
    data: {
      snapshot_id: setup.dataIdentity?.snapshot_id ?? 'frame',
      content_hash: setup.dataIdentity?.content_hash ?? panelHash(panel),
      source: setup.dataIdentity?.source,
      securities: panel.securities,
      rows: panel.rowCount,
      start: timeToIso(first, panel.timeUnit),
      end: timeToIso(last, panel.timeUnit),
    },
    notes,
  };
}

/** A runner for the context's trials (worker threads start on first use). Close it when done. */
export function contextRunner(context: SearchContext): TrialRunner {
  return createRunner({ panel: context.panel, strategy: context.strategy, strategyRef: context.strategyRef, config: context.config, threads: context.threads });
}

export interface TrialsOptions extends RunOptions {
  /** Only these bars (a walk-forward's training window). */
  range?: TimeRange;
  /** Bar-steps that justify one more sweep thread (see sweep.ts). */
  sweepMinWorkPerThread?: number;
  /** Metrics the caller needs: the sweep is skipped if it leaves one of them out. */
  needs?: string[];
}

/** Runs parameter sets (already validated) on the sweep path when possible, else the general path. */
export async function runTrials(
  context: SearchContext,
  runner: TrialRunner,
  paramSets: Record<string, unknown>[],
  options: TrialsOptions = {},
): Promise<{ outcomes: TrialOutcome[]; path: 'sweep' | 'general'; threads: number }> {
  const arrays = options.range ? sliceByTime(context.panel, options.range) : context.panel;
  const skipped = (options.needs ?? []).some((m) => SWEEP_SKIPS.includes(m));
  if (context.fastPath && !skipped && canSweep(context.strategy, arrays, context.config, paramSets)) {
    const swept = await sweepSmaCross(arrays, paramSets, context.config, {
      runner, signal: options.signal, onDone: options.onDone, minWorkPerThread: options.sweepMinWorkPerThread,
    });
    return { ...swept, path: 'sweep' };
  }
  const outcomes = await runner.run(paramSets.map((params) => ({ params, range: options.range })), { signal: options.signal, onDone: options.onDone });
  return { outcomes, path: 'general', threads: Math.min(runner.threads, paramSets.length) };
}

/** sha256 over the securities, timestamps and prices searched. */
function panelHash(panel: SecurityArrays): string {
  const h = createHash('sha256');
  h.update(panel.securities.join('\u0000'));
  for (const a of [panel.offsets, panel.time, ...['close', 'open', 'high', 'low'].map((c) => panel.columns[c]).filter(Boolean)]) {
    h.update(new Uint8Array(a!.buffer, a!.byteOffset, a!.byteLength));
  }
  return h.digest('hex');
}
