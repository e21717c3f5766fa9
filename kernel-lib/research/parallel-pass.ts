import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { QuantbookError } from '../errors';
import { allocateResearchPass, passHorizons, researchPass, type ResearchPass, type ResearchPassInput } from '../kernels/xs-research-pass';
import { blocksOfDates, runBlocks } from './pass-blocks';

export interface ParallelOptions {
  /** Threads including the calling one (default: the number of cores, when the work is large enough; 1 = no workers). */
  threads?: number;
}

/** Below this many cell-arrays (dates x securities x (signals + horizons)) a worker's start-up costs more than it saves. */
const MIN_WORK_FOR_THREADS = 20_000_000;

/**
 * The research pass over all dates, split into contiguous blocks of dates run at once: the
 * calling thread and the worker threads each take the next free block until none is left.
 * Inputs and outputs live on SharedArrayBuffers, so nothing is copied; each block replays the
 * max(lags) dates before it (no output) to fill its autocorrelation and turnover rings, so the
 * numbers do not depend on the thread count or on which thread ran which block.
 */
export async function runResearchPass(input: ResearchPassInput, options: ParallelOptions = {}): Promise<ResearchPass> {
  const work = input.dates * input.securities * (input.signals.length + passHorizons(input));
  const threads = Math.max(1, Math.min(options.threads ?? (work >= MIN_WORK_FOR_THREADS ? cpus().length : 1), Math.floor(input.dates / 16) || 1));
  const entry = threads > 1 ? workerEntry() : undefined;
  if (!entry) return researchPass(input);

  const forward = input.forward.map(toShared);
  const h1 = input.forward1 === null ? -1 : input.forward.indexOf(input.forward1);
  const shared: ResearchPassInput = {
    ...input,
    signals: input.signals.map(toShared),
    forward,
    // keep forward1 the same array as its horizon, so the pass reuses that horizon's buckets
    forward1: input.forward1 === null ? null : h1 >= 0 ? forward[h1] : toShared(input.forward1),
    groups: input.groups ? { ...input.groups, codes: toSharedInt(input.groups.codes) } : null,
    forwardFrom: input.forwardFrom
      ? {
          ...input.forwardFrom,
          prices: {
            ...input.forwardFrom.prices,
            close: toShared(input.forwardFrom.prices.close),
            position: toSharedInt(input.forwardFrom.prices.position),
            offsets: toSharedInt(input.forwardFrom.prices.offsets),
            dateOfRow: toSharedInt(input.forwardFrom.prices.dateOfRow),
          },
        }
      : null,
  };
  const out = allocateResearchPass(shared, true);
  const blocks = blocksOfDates(input.dates, threads, input.lags);
  // the next block to take, shared by every thread
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers = workerPool(entry, threads - 1);
  const done = workers.map((worker) => worker.run({ input: shared, blocks, next, out }));
  runBlocks(shared, blocks, next, out);
  await Promise.all(done);
  return out;
}

interface PoolWorker {
  run(message: unknown): Promise<void>;
}

let pool: { file: string; workers: PoolWorker[] } | undefined;

/**
 * Worker threads kept between calls (starting one costs tens of milliseconds bundled, about a
 * second from TypeScript sources), unref'd so they never keep the process alive. A worker that
 * fails is dropped with the whole pool.
 */
function workerPool(entry: { file: string; execArgv: string[] }, size: number): PoolWorker[] {
  if (!pool || pool.file !== entry.file) pool = { file: entry.file, workers: [] };
  while (pool.workers.length < size) pool.workers.push(startWorker(entry));
  return pool.workers.slice(0, size);
}

function startWorker(entry: { file: string; execArgv: string[] }): PoolWorker {
  const worker = new Worker(entry.file, { execArgv: entry.execArgv });
  let pending: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const settle = () => {
    const p = pending;
    pending = undefined;
    // idle workers must not keep the process alive (and a busy one must)
    worker.unref();
    return p;
  };
  const fail = (message: string) => {
    pool = undefined;
    void worker.terminate();
    settle()?.reject(new QuantbookError('RESEARCH_WORKER_FAILED', `a research worker failed: ${message}`, 'retry with threads: 1'));
  };
  worker.on('message', (m: { ok: boolean; message?: string }) => {
    if (!m.ok) return fail(m.message ?? 'unknown error');
    settle()?.resolve();
  });
  worker.on('error', (e) => fail(e.message));
  // after the listeners: attaching a 'message' listener refs the worker's port again
  worker.unref();
  return {
    run(message) {
      return new Promise<void>((resolve, reject) => {
        pending = { resolve, reject };
        worker.ref();
        worker.postMessage(message);
      });
    },
  };
}

function toShared(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function toSharedInt(a: Int32Array): Int32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * The worker script: dist/research-worker.js beside the bundle, or the TypeScript source
 * through tsx when running from source. Undefined when neither exists (the pass then runs on
 * the calling thread alone).
 */
function workerEntry(): { file: string; execArgv: string[] } | undefined {
  const bundled = join(__dirname, 'research-worker.js');
  if (!__filename.endsWith('.ts') && existsSync(bundled)) return { file: bundled, execArgv: [] };
  const source = join(__dirname, 'worker.ts');
  if (__filename.endsWith('.ts') && existsSync(source)) return { file: source, execArgv: ['--require', require.resolve('tsx/cjs')] };
  return undefined;
}
