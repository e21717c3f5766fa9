import { parentPort } from 'node:worker_threads';
import type { SecurityArrays } from '../kernels/bridge';
import type { Strategy } from '../strategy/define';
import { getStrategy } from '../strategy/registry';
import { TrialEvaluator, trialError, type TrialConfig } from './evaluate';
import type { TimeRange } from './shared-panel';
import { crossingRange, smaCrossPairs, type CrossingEvents, type CrossingLog, type SmaCrossSweepInput } from './sma-cross-kernel';

/**
 * An optimizer worker thread (built to dist/optimize-worker.js). Receives the shared panel once
 * ('init': SharedArrayBuffers, not copied), then runs one job at a time and posts back only
 * numbers: a trial's metrics (or its error), or nothing at all for a sweep chunk, which writes
 * its metrics straight into a shared output buffer. Never a curve.
 */
export interface StrategyRef {
  /** Registered name (the built-ins are always known). */
  name: string;
  /** A module to require first: it registers the strategy or exports it. */
  module?: string;
}

export type WorkerRequest =
  | { type: 'init'; panel?: SecurityArrays; strategy?: StrategyRef; config?: TrialConfig }
  | { type: 'trial'; id: number; params: Record<string, unknown>; range?: TimeRange }
  | { type: 'sweep'; id: number; input: SmaCrossSweepInput; events: CrossingEvents; from: number; to: number; out: Float64Array; metricCount: number }
  | { type: 'crossings'; id: number; input: SmaCrossSweepInput; from: number; to: number };

export type WorkerReply =
  | { type: 'trial'; id: number; ok: true; metrics: Float64Array }
  | { type: 'trial'; id: number; ok: false; error: { code: string; message: string } }
  | { type: 'sweep' | 'crossings'; id: number; ok: boolean; log?: CrossingLog; message?: string }
  | { type: 'fatal'; message: string };

let evaluator: TrialEvaluator | undefined;
let setupError: { code: string; message: string } | undefined;

parentPort?.on('message', (message: WorkerRequest) => {
  void handle(message);
});

async function handle(message: WorkerRequest): Promise<void> {
  const port = parentPort!;
  if (message.type === 'init') {
    // A reused worker starts over: nothing of the previous search's setup survives.
    evaluator = undefined;
    setupError = undefined;
    try {
      if (message.panel && message.strategy && message.config) {
        evaluator = new TrialEvaluator(message.panel, resolveStrategy(message.strategy), message.config);
      }
    } catch (e) {
      setupError = trialError(e);
    }
    return;
  }
  if (message.type === 'trial') {
    if (!evaluator) {
      const error = setupError ?? { code: 'WORKER_NOT_READY', message: 'the worker got a trial before its data' };
      port.postMessage({ type: 'trial', id: message.id, ok: false, error } satisfies WorkerReply);
      return;
    }
    const outcome = await evaluator.evaluate(message.params, message.range);
    const reply: WorkerReply = outcome.ok
      ? { type: 'trial', id: message.id, ok: true, metrics: outcome.metrics }
      : { type: 'trial', id: message.id, ok: false, error: outcome.error };
    port.postMessage(reply, outcome.ok ? [outcome.metrics.buffer as ArrayBuffer] : []);
    return;
  }
  try {
    if (message.type === 'crossings') {
      const log = crossingRange(message.input, message.from, message.to);
      // The logs' buffers move to the calling thread, not copied.
      port.postMessage({ type: 'crossings', id: message.id, ok: true, log } satisfies WorkerReply, [log.flips.buffer as ArrayBuffer, log.ties.buffer as ArrayBuffer]);
    } else {
      smaCrossPairs(message.input, message.events, message.from, message.to, message.out, message.metricCount);
      port.postMessage({ type: 'sweep', id: message.id, ok: true } satisfies WorkerReply);
    }
  } catch (e) {
    port.postMessage({ type: message.type, id: message.id, ok: false, message: (e as Error).message } satisfies WorkerReply);
  }
}

function resolveStrategy(ref: StrategyRef): Strategy<any> {
  let exported: Record<string, unknown> = {};
  if (ref.module) exported = require(ref.module) as Record<string, unknown>;
  try {
    return getStrategy(ref.name);
  } catch (e) {
    for (const value of Object.values(exported)) {
      if (value && typeof value === 'object' && (value as Strategy).name === ref.name && typeof (value as Strategy).parseParams === 'function') return value as Strategy<any>;
    }
    throw e;
  }
}
