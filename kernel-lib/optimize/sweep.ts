import type { EngineConfig } from '../engine/workspace';
import type { SecurityArrays } from '../kernels/bridge';
import { METRIC_NAMES } from '../kernels/metrics';
import { smaRows } from '../kernels/rolling';
import { smaCross } from '../strategy/builtins';
import type { Strategy } from '../strategy/define';
import type { TrialOutcome } from './evaluate';
import { idleWorkers, sweepOnCallingThread, type RunOptions, type SweepChunk, type TrialRunner } from './pool';
import { crossingIndex, crossingLog, groupCrossings, smaCrossPairs, type SmaCrossSweepInput } from './sma-cross-kernel';

/**
 * The sweep fast path (docs/optimize.md): many parameter sets of the built-in `sma_cross` on
 * one security with close fills. Each distinct SMA window is computed once (smaRows, the exact
 * integer method of the `sma` indicator, so ties stay ties), then every (fast, slow) pair runs
 * through the sweep kernel (sma-cross-kernel.ts) in O(1) per position run, without allocating
 * per pair. The numbers are those of the general path (strategyArrays + runEngine) to ~1e-14
 * (docs/optimize.md, "Exactness"), except `stability`, which the sweep leaves NaN.
 */
export function canSweep(
  strategy: Strategy<any>,
  arrays: Pick<SecurityArrays, 'securities' | 'columns'>,
  config: Pick<EngineConfig, 'execution'>,
  paramSets: Record<string, unknown>[],
): boolean {
  if (strategy !== smaCross || arrays.securities.length !== 1 || config.execution !== 'close') return false;
  return !paramSets.some((p) => p.allowShort) || shortEquityInRange(arrays.columns.close);
}

/**
 * A short's equity moves with the running product of 1 - r (sma-cross-kernel.ts, the short
 * range table): it must stay positive and far from underflow (a +100% bar, or some millions of
 * bars of steady rise, take it out), else the general path runs the search.
 */
function shortEquityInRange(close: Float64Array): boolean {
  let level = 1;
  for (let t = 1; t < close.length; t++) {
    level *= 2 - close[t] / close[t - 1];
    if (!(level > 1e-280 && level < 1e280)) return false;
  }
  return true;
}

/** Metrics the sweep does not compute (NaN in its rows). */
export const SWEEP_SKIPS: readonly string[] = ['stability'];

export interface SweepOptions extends RunOptions {
  /** Runs the pairs on these workers when the work is large enough. */
  runner?: TrialRunner;
  /**
   * Bar-steps (pairs x bars) that justify one more thread. Default 4M when started workers are
   * waiting (a session's second search), else 50M: below that, starting a worker costs more
   * than it saves.
   */
  minWorkPerThread?: number;
}

const MIN_WORK_PER_COLD_THREAD = 50_000_000;
const MIN_WORK_PER_WARM_THREAD = 4_000_000;
/** Pairs x bars per chunk on the calling thread (~15 ms): progress and cancellation in between. */
const INLINE_CHUNK_WORK = 20_000_000;

/** Runs the sma_cross parameter sets through the sweep kernel; outcomes in input order. */
export async function sweepSmaCross(
  arrays: SecurityArrays,
  paramSets: Record<string, unknown>[],
  config: EngineConfig,
  options: SweepOptions = {},
): Promise<{ outcomes: TrialOutcome[]; threads: number }> {
  const close = arrays.columns.close;
  const n = close.length;
  const pairs = paramSets.length;
  const work = pairs * n;
  const perThread = options.minWorkPerThread ?? (idleWorkers() > 0 ? MIN_WORK_PER_WARM_THREAD : MIN_WORK_PER_COLD_THREAD);
  const threads = options.runner && options.runner.threads > 0 ? Math.min(options.runner.threads, Math.floor(work / perThread), pairs) : 0;
  const threaded = threads >= 2;
  const alloc = (length: number) => (threaded ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length));

  const windowSet = new Set<number>();
  for (const p of paramSets) {
    windowSet.add(p.fast as number);
    windowSet.add(p.slow as number);
  }
  const windows = Int32Array.from([...windowSet].sort((a, b) => a - b));
  const row = new Map<number, number>();
  windows.forEach((w, j) => row.set(w, j));
  const sma = alloc(windows.length * n);
  smaRows(close, windows, sma);
  // Plain loops: TypedArray.from with a mapping function costs ~0.3 us per element.
  const fast = new Int32Array(pairs);
  const slow = new Int32Array(pairs);
  const allowShort = new Uint8Array(pairs);
  for (let k = 0; k < pairs; k++) {
    const p = paramSets[k];
    fast[k] = row.get(p.fast as number)!;
    slow[k] = row.get(p.slow as number)!;
    allowShort[k] = p.allowShort ? 1 : 0;
  }
  const input: SmaCrossSweepInput = {
    close: threaded ? toShared(close) : close,
    windows,
    sma,
    fast,
    slow,
    allowShort,
    lag: config.lag,
    costRate: config.costRate,
    periodsPerYear: config.periodsPerYear,
  };
  // Stage 1: the calling thread logs the first range of bars while workers log the others.
  const index = crossingIndex(input);
  const shares = threaded ? threads : 1;
  const bounds = Array.from({ length: shares + 1 }, (_, i) => Math.round((i * n) / shares));
  const remoteTasks = bounds.slice(1, -1).map((from, i) => ({ input, from, to: bounds[i + 2] }));
  const remoteLogs = threaded ? options.runner!.crossings(remoteTasks, { signal: options.signal }) : Promise.resolve([]);
  const ownLog = crossingLog(input, index, 0, bounds[1]);
  const events = groupCrossings(index, [ownLog, ...(await remoteLogs)]);
  const metricCount = METRIC_NAMES.length;
  const out = alloc(pairs * metricCount);
  const pieces = threaded ? threads : Math.max(1, Math.ceil(work / INLINE_CHUNK_WORK));
  const chunks: SweepChunk[] = [];
  for (let i = 0; i < pieces; i++) {
    const from = Math.floor((i * pairs) / pieces);
    const to = Math.floor(((i + 1) * pairs) / pieces);
    if (to > from) chunks.push({ input, events, from, to, out: out.subarray(from * metricCount, to * metricCount), metricCount });
  }
  let done = 0;
  const onDone = () => options.onDone?.(Math.round((++done / chunks.length) * pairs), pairs);
  if (threaded) {
    // The calling thread takes the first chunk while the workers run the others: `threads`
    // threads in all, and no thread waits idle for the workers' replies.
    const [own, ...rest] = chunks;
    const remote = rest.length ? options.runner!.sweep(rest, { signal: options.signal, onDone }) : Promise.resolve();
    smaCrossPairs(own.input, own.events, own.from, own.to, own.out, own.metricCount);
    onDone();
    await remote;
  } else {
    await sweepOnCallingThread(chunks, { signal: options.signal, onDone });
  }

  // Views into one buffer: a copy per pair would cost more than the kernel's work for it.
  const barsInMarket = METRIC_NAMES.indexOf('bars_in_market');
  const outcomes = paramSets.map((params, k): TrialOutcome => {
    const metrics = out.subarray(k * metricCount, (k + 1) * metricCount);
    if (metrics[barsInMarket] === -1) {
      return {
        ok: false,
        error: {
          code: 'NO_TARGETS',
          message: `strategy 'sma_cross' (${JSON.stringify(params)}) produced no target on any bar: the data has ${n} bars per security at most, all of them warm-up`,
        },
      };
    }
    return { ok: true, metrics };
  });
  return { outcomes, threads: threaded ? chunks.length : 0 };
}

function toShared(values: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}
