import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { QuantbookError } from '../errors';
import { executeJob, type SharedSuiteData, type SuiteJob, type SuiteJobResult } from './jobs';

/**
 * A bounded pool of worker threads for suite jobs (or the calling thread when `threads` is 0).
 * The shared data goes to each worker once; matrices that become ready later (baselines) are
 * added with `share` (SharedArrayBuffer: no copy), so jobs can start before every input
 * exists. A job's result does not depend on which thread ran it.
 */
export interface PoolOptions {
  /** Worker threads; 0 runs inline. Default: the number of cores. */
  threads?: number;
  signal?: AbortSignal;
  /** Called after each finished job. */
  onJobDone?: (job: SuiteJob) => void;
}

type Pending = { job: SuiteJob; resolve: (r: SuiteJobResult) => void; reject: (e: unknown) => void };

export class JobPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private failure: unknown;
  private closed = false;
  private inlineChain: Promise<unknown> = Promise.resolve();
  private readonly onAbort = () => this.fail(cancelled());

  constructor(
    private readonly data: SharedSuiteData,
    private readonly options: PoolOptions = {},
  ) {
    throwIfAborted(options.signal);
    options.signal?.addEventListener('abort', this.onAbort);
    const threads = Math.max(0, options.threads ?? cpus().length);
    if (threads === 0) return;
    const entry = workerEntry();
    for (let w = 0; w < threads; w++) {
      const worker = new Worker(entry.file, { execArgv: entry.execArgv });
      worker.on('message', (m: { type: 'done'; result: SuiteJobResult } | { type: 'error'; message: string }) => this.finished(worker, m));
      worker.on('error', (e) => this.fail(new QuantbookError('SUITE_WORKER_FAILED', `a suite worker thread crashed: ${e.message}`, 'retry with threads: 0 to run on the main thread')));
      worker.postMessage({ type: 'init', data });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Makes a matrix available to jobs submitted from now on. */
  share(key: string, values: Float64Array): void {
    this.data.signals[key] = values;
    for (const w of this.workers) w.postMessage({ type: 'share', key, values });
  }

  submit(job: SuiteJob): Promise<SuiteJobResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<SuiteJobResult>((resolve, reject) => {
      const pending = { job, resolve, reject };
      if (this.workers.length === 0) {
        // inline: one job at a time, the event loop turning between jobs (progress, abort)
        this.inlineChain = this.inlineChain.then(async () => {
          await new Promise((r) => setImmediate(r));
          if (this.failure) return reject(this.failure);
          try {
            const result = executeJob(this.data, job);
            this.options.onJobDone?.(job);
            resolve(result);
          } catch (e) {
            reject(jobFailed(job, (e as Error).message));
          }
        });
        return;
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length && !this.failure) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.running.set(worker, pending);
      worker.postMessage({ type: 'job', job: pending.job });
    }
  }

  private finished(worker: Worker, message: { type: 'done'; result: SuiteJobResult } | { type: 'error'; message: string }): void {
    const pending = this.running.get(worker);
    this.running.delete(worker);
    this.idle.push(worker);
    if (!pending || this.failure) return;
    if (message.type === 'error') pending.reject(jobFailed(pending.job, message.message));
    else {
      this.options.onJobDone?.(pending.job);
      pending.resolve(message.result);
    }
    this.dispatch();
  }

  private fail(error: unknown): void {
    if (this.failure || this.closed) return;
    this.failure = error;
    for (const p of [...this.running.values(), ...this.queue]) p.reject(error);
    this.running.clear();
    this.queue.length = 0;
    for (const w of this.workers) void w.terminate();
  }
}

/** Runs a fixed list of jobs and returns the results in job order. */
export async function runJobs(data: SharedSuiteData, jobs: SuiteJob[], options: PoolOptions = {}): Promise<SuiteJobResult[]> {
  const pool = new JobPool(data, { ...options, threads: Math.min(options.threads ?? cpus().length, jobs.length) });
  try {
    return await Promise.all(jobs.map((j) => pool.submit(j)));
  } finally {
    await pool.close();
  }
}

function jobFailed(job: SuiteJob, message: string): QuantbookError {
  const what =
    job.kind === 'variant' ? `${job.signal} lag ${job.config.lag} ${job.config.residualize}`
    : job.kind === 'variants' ? `${job.signal} lags ${job.configs.map((c) => c.lag).join(', ')} ${job.configs[0]?.residualize}`
    : job.kind === 'spearman' ? `spearman ${job.a} ~ ${job.b}`
    : job.kind === 'price-ratio' ? `baseline ${job.into}`
    : `${job.kind} ${job.from}..${job.to}`;
  return new QuantbookError('SUITE_JOB_FAILED', `suite job ${what} failed: ${message}`, 'this is a bug: please report it with the signal file');
}

function cancelled(): QuantbookError {
  return new QuantbookError('CANCELLED', 'the suite run was cancelled', 'run it again when ready');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/**
 * The worker script: dist/suite-worker.js beside the bundle that runs this code, or the
 * TypeScript source through tsx when running from source (tests, `npx tsx`).
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const bundled = join(__dirname, 'suite-worker.js');
  if (!__filename.endsWith('.ts') && existsSync(bundled)) return { file: bundled, execArgv: [] };
  const source = join(__dirname, 'worker.ts');
  if (existsSync(source)) {
    const tsx = 'tsx/cjs';
    return { file: source, execArgv: ['--require', require.resolve(tsx)] };
  }
  throw new QuantbookError('SUITE_WORKER_MISSING', `suite worker script not found next to ${__filename}`, 'run `npm run build` (it writes dist/suite-worker.js), or pass threads: 0');
}
