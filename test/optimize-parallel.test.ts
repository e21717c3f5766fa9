import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { z } from 'zod';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { QuantbookError } from '../kernel-lib/errors';
import { sma } from '../kernel-lib/indicators/sma';
import { METRIC_NAMES } from '../kernel-lib/kernels/metrics';
import { optimize } from '../kernel-lib/optimize/optimize';
import type { OptimizeProgress, OptimizeResult } from '../kernel-lib/optimize/results';
import { defineStrategy } from '../kernel-lib/strategy/define';
import './fixtures/optimize-strategies';
import { sharedData } from './helpers';

const FIXTURES = join(__dirname, 'fixtures', 'optimize-strategies.ts');

/** Every trial's params and metrics, bit for bit (NaN equals NaN), in generation order. */
function sameTrials(a: OptimizeResult, b: OptimizeResult, what: string): void {
  assert.equal(a.trials.length, b.trials.length, what);
  a.trials.forEach((t, i) => {
    const u = b.trials[i];
    assert.equal(t.trial, u.trial, what);
    assert.deepEqual(t.params, u.params, what);
    for (const m of METRIC_NAMES) assert.ok(Object.is(t.metrics[m], u.metrics[m]) || (Number.isNaN(t.metrics[m]) && Number.isNaN(u.metrics[m])), `${what}: trial ${t.trial} ${m} ${t.metrics[m]} vs ${u.metrics[m]}`);
  });
  assert.deepEqual(a.failures, b.failures, what);
  assert.deepEqual(a.table.getColumn('trial').toArray(), b.table.getColumn('trial').toArray(), `${what}: ranking`);
}

async function rejectsCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof QuantbookError, `expected a QuantbookError, got ${e}`);
    assert.equal(e.code, code);
    return true;
  });
}

describe('optimize: worker threads, failures, progress and cancellation', () => {
  let panel: pl.DataFrame;
  before(() => {
    panel = syntheticPanel({ securities: 1, days: 800, seed: 5 });
  });

  it('gives identical results on the calling thread and on 1, 2 and 3 worker threads', async () => {
    const run = (threads: number) =>
      optimize({ strategy: 'rsi_reversion', data: panel, grid: 'period=7|14,lower=25|30,upper=70|80', feeBps: 5, threads });
    const inline = await run(0);
    assert.equal(inline.path, 'general');
    assert.equal(inline.threads, 0);
    assert.equal(inline.trials.length, 8);
    for (const threads of [1, 2, 3]) {
      const r = await run(threads);
      assert.equal(r.threads, threads);
      sameTrials(inline, r, `${threads} threads`);
      assert.deepEqual(r.best, inline.best);
      assert.equal(r.deflated_sharpe!.value, inline.deflated_sharpe!.value);
    }
  });

  it('random search: the same seed gives the same trials on any thread count; another seed other trials', async () => {
    const run = (seed: number, threads: number) =>
      optimize({ strategy: 'sma_cross', data: panel, grid: 'fast=2..30,slow=10..120', random: { samples: 6, seed }, fastPath: false, threads });
    const a = await run(3, 0);
    const b = await run(3, 2);
    const c = await run(4, 0);
    assert.equal(a.method, 'random');
    assert.equal(a.n_trials, 6);
    sameTrials(a, b, 'seed 3, 0 vs 2 threads');
    assert.notDeepEqual(a.trials.map((t) => t.params), c.trials.map((t) => t.params));
  });

  it('a parameter set that throws is a failure record {params, error}; the run goes on (calling thread and workers)', async () => {
    const results: OptimizeResult[] = [];
    for (const threads of [0, 2]) {
      const r = await optimize({ strategy: 'test_flaky_cross', data: panel, grid: 'fast=5|7|9|11,slow=20|30', strategyModule: FIXTURES, threads });
      assert.equal(r.threads, threads);
      assert.equal(r.n_trials, 8);
      assert.equal(r.n_failures, 4);
      assert.equal(r.trials.length, 4);
      assert.deepEqual(r.trials.map((t) => t.params.fast), [5, 5, 9, 9]);
      assert.deepEqual(r.failures.map((f) => [f.params.fast, f.params.slow]), [[7, 20], [7, 30], [11, 20], [11, 30]]);
      assert.match(r.failures[0].error.message, /fast = 7 is cursed/);
      assert.equal(r.failures[2].error.code, 'STRATEGY_FAILED');
      assert.match(r.failures[2].error.message, /kernel failure at fast = 11/);
      assert.ok(r.best && r.best.params.fast !== 7);
      results.push(r);
    }
    sameTrials(results[0], results[1], 'flaky, 0 vs 2 threads');
  });

  it('a worker thread that dies fails only the parameter set it ran', async () => {
    const r = await optimize({ strategy: 'test_flaky_cross', data: panel, grid: 'fast=5|9,slow=20,crash=false|true', strategyModule: FIXTURES, threads: 2 });
    assert.equal(r.trials.length, 2);
    assert.ok(r.trials.every((t) => t.params.crash === false));
    assert.equal(r.failures.length, 2);
    for (const f of r.failures) {
      assert.equal(f.params.crash, true);
      assert.equal(f.error.code, 'WORKER_CRASHED');
      assert.match(f.error.message, /exit code 3/);
    }
  });

  it('reports progress (done/total, failures, ETA) after every parameter set', async () => {
    const seen: OptimizeProgress[] = [];
    const r = await optimize({ strategy: 'test_flaky_cross', data: panel, grid: 'fast=5|7|9,slow=20|30', strategyModule: FIXTURES, threads: 2, onProgress: (p) => seen.push({ ...p }) });
    assert.equal(r.n_trials, 6);
    assert.deepEqual(seen.map((p) => p.done), [1, 2, 3, 4, 5, 6]);
    assert.ok(seen.every((p) => p.total === 6 && p.elapsedMs >= 0 && Number.isFinite(p.etaMs) && p.etaMs >= 0));
    assert.equal(seen[seen.length - 1].etaMs, 0);
  });

  it('can be cancelled with an AbortSignal (CANCELLED), on workers and on the calling thread', async () => {
    for (const threads of [2, 0]) {
      const controller = new AbortController();
      await rejectsCode(
        optimize({ strategy: 'sma_cross', data: panel, grid: 'fast=2..12,slow=20..40:10', fastPath: false, threads, signal: controller.signal, onProgress: () => controller.abort() }),
        'CANCELLED',
      );
    }
    const aborted = new AbortController();
    aborted.abort();
    await rejectsCode(optimize({ strategy: 'sma_cross', data: panel, grid: 'fast=5,slow=20', threads: 0, signal: aborted.signal }), 'CANCELLED');
  });

  it('a strategy object that workers cannot load runs on the calling thread, and says so', async () => {
    const local = defineStrategy({
      name: 'test_local_cross',
      version: '1.0.0',
      params: z.object({ fast: z.number().int().min(1).default(5), slow: z.number().int().min(2).default(20) }),
      features: (p) => ({ f: sma('close', p.fast), s: sma('close', p.slow) }),
      target: () => pl.when(pl.col('f').gt(pl.col('s'))).then(pl.lit(1)).otherwise(pl.lit(0)),
    });
    const r = await optimize({ strategy: local, data: panel, grid: 'fast=5|10,slow=20', threads: 2 });
    assert.equal(r.threads, 0);
    assert.equal(r.trials.length, 2);
    assert.match(r.notes.join('\n'), /not registered.*calling thread/);
  });

  it('real data (GOOG.csv): rsi_reversion on 2 worker threads equals the calling thread', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const { prices } = await loadPriceFile(goog);
    const run = (threads: number) => optimize({ strategy: 'rsi_reversion', data: prices, grid: 'period=10|14|20,lower=25|30', feeBps: 10, threads });
    const a = await run(0);
    const b = await run(2);
    sameTrials(a, b, 'GOOG rsi');
    assert.equal(a.data.rows, 2148);
    assert.equal(a.trials.length, 6);
    // A level RSI(20) never reaches stays out of the market: NaN Sharpe (0/0), ranked last.
    const finite = a.trials.filter((t) => Number.isFinite(t.metrics.sharpe));
    assert.ok(finite.length >= 3);
    assert.equal(a.best!.metrics.sharpe, Math.max(...finite.map((t) => t.metrics.sharpe)));
  });
});
