import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { QuantbookError } from '../errors';
import type { SecurityArrays } from '../kernels/bridge';
import type { Strategy } from '../strategy/define';
import { TrialEvaluator, type TrialConfig, type TrialError, type TrialOutcome } from './evaluate';
import type { TimeRange } from './shared-panel';
import { crossingRange, smaCrossPairs, type CrossingEvents, type CrossingLog, type SmaCrossSweepInput } from './sma-cross-kernel';
import type { StrategyRef, WorkerReply, WorkerRequest } from './worker';

export interface TrialJob {
  params: Record<string, unknown>;
  /** Only the bars in this time range (a walk-forward's training window); default all. */
  range?: TimeRange;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** After each finished job (success or failure). */
  onDone?: (done: number, total: number) => void;
}

export interface SweepChunk {
  input: SmaCrossSweepInput;
  events: CrossingEvents;
  from: number;
  to: number;
  /** Metrics of pairs [from, to), `metricCount` per row; a SharedArrayBuffer when run on workers. */
  out: Float64Array;
  metricCount: number;
}

/** Stage 1 of the sweep over bars [from, to) (crossingLog). */
export interface CrossingsTask {
  input: SmaCrossSweepInput;
  from: number;
  to: number;
}

/**
 * Runs trials - on a bounded pool of worker threads, or on the calling thread when `threads`
 * is 0. Results come back in job order whatever the number of threads, and each trial is
 * computed the same way on any thread, so the numbers never depend on the thread count.
 */
export interface TrialRunner {
  /** Worker threads (0: the calling thread). */
  readonly threads: number;
  run(jobs: TrialJob[], options?: RunOptions): Promise<TrialOutcome[]>;
  /** Sweep-kernel chunks (their metrics land in each chunk's `out`). */
  sweep(chunks: SweepChunk[], options?: RunOptions): Promise<void>;
  /** Crossing logs of bar ranges, in task order. */
  crossings(tasks: CrossingsTask[], options?: RunOptions): Promise<CrossingLog[]>;
  close(): Promise<void>;
}

export interface PoolSetup {
  /** The panel on SharedArrayBuffers (sharePanel). Omit for a pool that only runs sweep chunks. */
  panel?: SecurityArrays;
  strategy?: Strategy<any>;
  /** How workers find the strategy: its registered name, plus a module that defines it. */
  strategyRef?: StrategyRef;
  config?: TrialConfig;
  /** Worker threads; 0 runs on the calling thread. Default os.availableParallelism(). */
  threads?: number;
}

export function defaultThreads(): number {
  return availableParallelism();
}

export function createRunner(setup: PoolSetup): TrialRunner {
  const threads = setup.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 0) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'threads' must be a whole number >= 0, got ${threads}`, '0 runs on the calling thread; the default is the number of cores');
  }
  return threads === 0 ? new InlineRunner(setup) : new WorkerPool(setup, threads);
}

class InlineRunner implements TrialRunner {
  readonly threads = 0;
  private evaluator: TrialEvaluator | undefined;
  constructor(private readonly setup: PoolSetup) {}

  async run(jobs: TrialJob[], options: RunOptions = {}): Promise<TrialOutcome[]> {
    if (!this.evaluator) {
      if (!this.setup.panel || !this.setup.strategy || !this.setup.config) throw new Error('internal: trial runner without data');
      this.evaluator = new TrialEvaluator(this.setup.panel, this.setup.strategy, this.setup.config);
    }
    const outcomes: TrialOutcome[] = [];
    for (const job of jobs) {
      throwIfAborted(options.signal);
      outcomes.push(await this.evaluator.evaluate(job.params, job.range));
      options.onDone?.(outcomes.length, jobs.length);
    }
    return outcomes;
  }

  sweep(chunks: SweepChunk[], options: RunOptions = {}): Promise<void> {
    return sweepOnCallingThread(chunks, options);
  }

  async crossings(tasks: CrossingsTask[]): Promise<CrossingLog[]> {
    return tasks.map((t) => crossingRange(t.input, t.from, t.to));
  }

  async close(): Promise<void> {}
}

interface Slot {
  worker: Worker;
  /** The job index in flight, or -1. */
  busy: number;
}

type Task = { kind: 'trial'; job: TrialJob } | { kind: 'sweep'; chunk: SweepChunk } | { kind: 'crossings'; task: CrossingsTask };

/** What a worker hands back for one task: a trial's metrics, a crossing log, or the error. */
type TaskOutcome = { ok: true; metrics?: Float64Array; log?: CrossingLog } | { ok: false; error: TrialError };

class WorkerPool implements TrialRunner {
  private slots: Slot[] = [];
  private closed = false;
  private running = false;

  constructor(private readonly setup: PoolSetup, readonly threads: number) {}

  async run(jobs: TrialJob[], options: RunOptions = {}): Promise<TrialOutcome[]> {
    if (!this.setup.panel || !this.setup.strategyRef || !this.setup.config) throw new Error('internal: trial pool without data');
    const outcomes = await this.dispatch(jobs.map((job) => ({ kind: 'trial', job })), options);
    return outcomes as TrialOutcome[];
  }

  async sweep(chunks: SweepChunk[], options: RunOptions = {}): Promise<void> {
    sweepSucceeded(await this.dispatch(chunks.map((chunk) => ({ kind: 'sweep', chunk })), options));
  }

  async crossings(tasks: CrossingsTask[], options: RunOptions = {}): Promise<CrossingLog[]> {
    const outcomes = sweepSucceeded(await this.dispatch(tasks.map((task) => ({ kind: 'crossings', task })), options));
    return outcomes.map((o) => o.log!);
  }

  /** Idle workers go back to a process-wide cache (unref'd: they never keep the process alive). */
  async close(): Promise<void> {
    this.shutdown(true);
  }

  private shutdown(reuse: boolean): void {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const slot of slots) releaseWorker(slot.worker, reuse && !this.running && slot.busy < 0);
  }

  /**
   * Feeds tasks to the workers one at a time each. A worker that dies (out of memory, a native
   * crash) fails only the task it held - recorded as that task's error - and is replaced.
   */
  private dispatch(tasks: Task[], options: RunOptions): Promise<TaskOutcome[]> {
    if (this.closed) return Promise.reject(new QuantbookError('POOL_CLOSED', 'the optimizer pool is closed'));
    if (this.running) return Promise.reject(new Error('internal: the optimizer pool is already running'));
    throwIfAborted(options.signal);
    const outcomes: TaskOutcome[] = new Array(tasks.length);
    if (tasks.length === 0) return Promise.resolve(outcomes);
    this.running = true;
    return new Promise<TaskOutcome[]>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let finished = false;
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        this.running = false;
        options.signal?.removeEventListener('abort', onAbort);
        for (const slot of this.slots) forget(slot.worker);
        if (error) {
          // Workers may still be busy with an abandoned task: end them rather than reuse them.
          this.shutdown(false);
          reject(error);
        } else resolve(outcomes);
      };
      const onAbort = () => finish(cancelled());
      options.signal?.addEventListener('abort', onAbort);

      let crashesInARow = 0;
      const settle = (slot: Slot, outcome: TaskOutcome) => {
        const id = slot.busy;
        slot.busy = -1;
        if (id < 0 || outcomes[id] !== undefined) return;
        outcomes[id] = outcome;
        done++;
        options.onDone?.(done, tasks.length);
        if (done === tasks.length) finish();
        else feed(slot);
      };
      const feed = (slot: Slot) => {
        if (finished || next >= tasks.length) return;
        const id = next++;
        slot.busy = id;
        const task = tasks[id];
        const request: WorkerRequest =
          task.kind === 'trial'
            ? { type: 'trial', id, params: task.job.params, range: task.job.range }
            : task.kind === 'sweep'
              ? { type: 'sweep', id, ...task.chunk }
              : { type: 'crossings', id, ...task.task };
        slot.worker.postMessage(request);
      };
      const listen = (slot: Slot) => {
        slot.worker.on('message', (reply: WorkerReply) => {
          if (finished || reply.type === 'fatal') return;
          crashesInARow = 0;
          if (reply.type === 'trial') settle(slot, reply.ok ? { ok: true, metrics: reply.metrics } : { ok: false, error: reply.error });
          else settle(slot, reply.ok ? { ok: true, log: reply.log } : { ok: false, error: { code: 'SWEEP_FAILED', message: reply.message ?? 'unknown' } });
        });
        const crashed = (why: string) => {
          if (finished) return;
          const id = slot.busy;
          forget(slot.worker);
          void slot.worker.terminate();
          // Workers that die without finishing anything cannot start at all: stop, do not respawn forever.
          if (++crashesInARow > 2 * this.threads + 2) {
            finish(new QuantbookError('OPTIMIZE_WORKER_FAILED', `optimizer worker threads keep dying (${why})`, 'run with threads: 0 (--threads 0) to see the error on the calling thread'));
            return;
          }
          // Replace the worker, then record the lost task as failed (the run goes on).
          const replacement: Slot = { worker: this.startWorker(), busy: -1 };
          this.slots[this.slots.indexOf(slot)] = replacement;
          listen(replacement);
          if (id >= 0) {
            replacement.busy = id;
            settle(replacement, { ok: false, error: { code: 'WORKER_CRASHED', message: `the worker thread running this parameter set died: ${why}` } });
          } else feed(replacement);
        };
        slot.worker.on('error', (e) => crashed(e.message));
        slot.worker.on('exit', (code) => crashed(`exit code ${code}`));
      };

      const wanted = Math.min(this.threads, tasks.length);
      while (this.slots.length < wanted) this.slots.push({ worker: this.startWorker(), busy: -1 });
      for (const slot of this.slots) {
        listen(slot);
        feed(slot);
      }
    });
  }

  private startWorker(): Worker {
    const worker = acquireWorker();
    const init: WorkerRequest = { type: 'init', panel: this.setup.panel, strategy: this.setup.strategyRef, config: this.setup.config };
    worker.postMessage(init);
    return worker;
  }
}

/**
 * Started workers kept between searches: starting one costs tens of milliseconds bundled and
 * seconds from TypeScript sources (tsx compiles the modules, polars loads). Each run sends its
 * own 'init', so a reused worker holds nothing of the previous search but compiled code.
 */
const idle: Worker[] = [];

/** Started workers waiting for work (they cost nothing to start again). */
export function idleWorkers(): number {
  return idle.length;
}

function acquireWorker(): Worker {
  const cached = idle.pop();
  if (cached) {
    forget(cached);
    cached.ref();
    return cached;
  }
  const entry = workerEntry();
  return new Worker(entry.file, { execArgv: entry.execArgv });
}

/**
 * Drops our listeners. Never removeAllListeners() without names on a Worker: that also removes
 * Node's own 'newListener' hook, and the worker's messages then never arrive again.
 */
function forget(worker: Worker): void {
  for (const event of ['message', 'error', 'exit']) worker.removeAllListeners(event);
}

function releaseWorker(worker: Worker, reusable: boolean): void {
  forget(worker);
  if (reusable && idle.length < defaultThreads() * 2) {
    worker.unref();
    // A cached worker that dies is simply dropped.
    worker.once('exit', () => {
      const i = idle.indexOf(worker);
      if (i >= 0) idle.splice(i, 1);
    });
    idle.push(worker);
  } else void worker.terminate();
}

function cancelled(): QuantbookError {
  return new QuantbookError('CANCELLED', 'the parameter search was cancelled', 'run it again when ready');
}

function sweepSucceeded(outcomes: TaskOutcome[]): { ok: true; log?: CrossingLog }[] {
  for (const o of outcomes) {
    if (!o.ok) throw new QuantbookError('SWEEP_FAILED', `a sweep worker failed: ${o.error.message}`, 'retry with threads: 0');
  }
  return outcomes as { ok: true; log?: CrossingLog }[];
}

/** Sweep chunks one after another on the calling thread. */
export async function sweepOnCallingThread(chunks: SweepChunk[], options: RunOptions = {}): Promise<void> {
  let done = 0;
  for (const c of chunks) {
    throwIfAborted(options.signal);
    smaCrossPairs(c.input, c.events, c.from, c.to, c.out, c.metricCount);
    options.onDone?.(++done, chunks.length);
    // Let the event loop turn between chunks: progress reaches listeners, an abort can arrive.
    if (done < chunks.length) await new Promise((resolve) => setImmediate(resolve));
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/**
 * The worker script: dist/optimize-worker.js beside the bundle that runs this code, or the
 * TypeScript source through tsx when running from source (tests, `npx tsx`).
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const bundled = join(__dirname, 'optimize-worker.js');
  if (!__filename.endsWith('.ts') && existsSync(bundled)) return { file: bundled, execArgv: [] };
  const source = join(__dirname, 'worker.ts');
  if (existsSync(source)) return { file: source, execArgv: ['--require', require.resolve('tsx/cjs')] };
  throw new QuantbookError('OPTIMIZE_WORKER_MISSING', `optimizer worker script not found next to ${__filename}`, 'run `npm run build` (it writes dist/optimize-worker.js), or pass threads: 0');
}
