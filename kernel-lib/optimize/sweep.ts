import type { EngineConfig } from '../engine/workspace';
import type { SecurityArrays } from '../kernels/bridge';
import { METRIC_NAMES } from '../kernels/metrics';
import { smaRows } from '../kernels/rolling';
import { smaCross } from '../strategy/builtins';
import type { Strategy } from '../strategy/define';
import type { TrialOutcome } from './evaluate';
import { sweepOnCallingThread, type RunOptions, type SweepChunk, type TrialRunner } from './pool';
import { crossingEvents, smaCrossPairs, type SmaCrossSweepInput } from './sma-cross-kernel';

/**
 * The sweep fast path (docs/optimize.md): many parameter sets of the built-in `sma_cross` on
 * one security with close fills. Each distinct SMA window is computed once (smaRows, the exact
 * integer method of the `sma` indicator, so ties stay ties), then every (fast, slow) pair runs
 * through the sweep kernel (sma-cross-kernel.ts) without allocating per pair. The numbers are
 * those of the general path (strategyArrays + runEngine) bit for bit, except `stability`,
 * which the sweep leaves NaN.
 */
export function canSweep(strategy: Strategy<any>, arrays: Pick<SecurityArrays, 'securities'>, config: Pick<EngineConfig, 'execution'>): boolean {
  return strategy === smaCross && arrays.securities.length === 1 && config.execution === 'close';
}

/** Metrics the sweep does not compute (NaN in its rows). */
export const SWEEP_SKIPS: readonly string[] = ['stability'];

export interface SweepOptions extends RunOptions {
  /** Runs the pairs on these workers when the work is large enough. */
  runner?: TrialRunner;
  /**
   * Bar-steps (pairs x bars) that justify one more thread. Default 50M: below that, starting a
   * worker costs more than it saves.
   */
  minWorkPerThread?: number;
}

const DEFAULT_MIN_WORK_PER_THREAD = 50_000_000;
/** Pairs x bars per chunk on the calling thread (~20 ms): progress and cancellation in between. */
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
  const perThread = options.minWorkPerThread ?? DEFAULT_MIN_WORK_PER_THREAD;
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
  const input: SmaCrossSweepInput = {
    close: threaded ? toShared(close) : close,
    windows,
    sma,
    fast: Int32Array.from(paramSets, (p) => row.get(p.fast as number)!),
    slow: Int32Array.from(paramSets, (p) => row.get(p.slow as number)!),
    allowShort: Uint8Array.from(paramSets, (p) => (p.allowShort ? 1 : 0)),
    lag: config.lag,
    costRate: config.costRate,
    periodsPerYear: config.periodsPerYear,
  };
  const events = crossingEvents(input);
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

  const outcomes = paramSets.map((params, k): TrialOutcome => {
    const metrics = out.slice(k * metricCount, (k + 1) * metricCount);
    if (metrics[METRIC_NAMES.indexOf('bars_in_market')] === -1) {
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
