import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { inferFrequency } from '../kernel-lib/engine/frequency';
import { createMarket, createWorkspace, runEngine } from '../kernel-lib/engine/workspace';
import { toSecurityArrays, type SecurityArrays } from '../kernel-lib/kernels/bridge';
import { METRIC_NAMES } from '../kernel-lib/kernels/metrics';
import { smaArray } from '../kernel-lib/kernels/rolling';
import { optimize } from '../kernel-lib/optimize/optimize';
import { createRunner, idleWorkers } from '../kernel-lib/optimize/pool';
import { sweepSmaCross } from '../kernel-lib/optimize/sweep';
import type { TrialOutcome } from '../kernel-lib/optimize/evaluate';
import { sharedData } from './helpers';

const CHECKED = METRIC_NAMES.filter((m) => m !== 'stability');

/** Bit-for-bit equality of every metric the sweep computes (NaN equals NaN). */
function sameMetrics(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  for (const name of CHECKED) {
    const i = METRIC_NAMES.indexOf(name);
    const x = a[i];
    const y = b[i];
    assert.ok(x === y || (x !== x && y !== y), `${what}: ${name} ${x} vs ${y}`);
  }
}

/**
 * The sweep against the engine (docs/optimize.md, "Exactness"): counts exactly; every other
 * metric to `relative` (default 1e-12; measured on GOOG: 2.3e-14), with an absolute floor of 1e-14
 * for values near 0 (a total return of 0.0009 is 1 - 0.9991, so it keeps 1e-16 of absolute error,
 * not of its own size).
 */
const COUNTS = ['bars', 'bars_in_market', 'nan_count', 'trade_count'];
function matchesEngine(sweep: ArrayLike<number>, engine: ArrayLike<number>, what: string, relative = 1e-12): void {
  for (const name of CHECKED) {
    const i = METRIC_NAMES.indexOf(name);
    const x = sweep[i];
    const y = engine[i];
    const close = !COUNTS.includes(name) && Math.abs(x - y) <= relative * Math.abs(y) + 1e-14;
    assert.ok(x === y || (x !== x && y !== y) || close, `${what}: ${name} ${x} vs ${y}`);
  }
}

interface Pair {
  fast: number;
  slow: number;
  allowShort: boolean;
}

/**
 * The reference: targets written by a plain loop over the SMAs (1 when SMA(fast) > SMA(slow),
 * -1 below when going short, 0 on a tie, NaN in warm-up), then the engine (runEngine) as the
 * general path runs it.
 */
function engineMetrics(arrays: SecurityArrays, pairs: Pair[], lag: number, costRate: number): Float64Array[] {
  const close = arrays.columns.close;
  const n = close.length;
  const frequency = inferFrequency(arrays);
  const market = createMarket(arrays, Float64Array.of(1), frequency);
  const ws = createWorkspace(market);
  const cache = new Map<number, Float64Array>();
  const avg = (w: number) => cache.get(w) ?? cache.set(w, smaArray(close, w)).get(w)!;
  return pairs.map(({ fast, slow, allowShort }) => {
    const f = avg(fast);
    const s = avg(slow);
    for (let t = 0; t < n; t++) ws.target[t] = f[t] !== f[t] || s[t] !== s[t] ? NaN : f[t] > s[t] ? 1 : f[t] < s[t] ? (allowShort ? -1 : 0) : 0;
    ws.signal.set(ws.target);
    return Float64Array.from(runEngine(market, { costRate, lag, execution: 'close', periodsPerYear: frequency.periodsPerYear }, ws));
  });
}

function metricsOf(outcome: TrialOutcome, what: string): Float64Array {
  assert.ok(outcome.ok, `${what} failed: ${!outcome.ok && outcome.error.message}`);
  return outcome.metrics;
}

describe('optimize: the sma_cross sweep fast path equals the general path', () => {
  let synthetic: pl.DataFrame;
  let syntheticArrays: SecurityArrays;
  before(async () => {
    synthetic = syntheticPanel({ securities: 1, days: 1500, seed: 11 });
    syntheticArrays = await toSecurityArrays(synthetic, { columns: ['close'] });
  });

  it('equals strategy + engine through optimize() (synthetic data, long and short, lag 1 and 2)', async () => {
    for (const lag of [1, 2]) {
      const common = { strategy: 'sma_cross', data: synthetic, grid: 'fast=3..15:6,slow=10..60:25,allowShort=true|false', feeBps: 7, slippageBps: 3, lag, threads: 0 };
      const fast = await optimize({ ...common, fastPath: true });
      const general = await optimize({ ...common, fastPath: false });
      assert.equal(fast.path, 'sweep');
      assert.equal(general.path, 'general');
      assert.equal(fast.trials.length, general.trials.length);
      assert.equal(fast.trials.length, 16);
      for (const t of general.trials) {
        const s = fast.trials.find((x) => x.trial === t.trial)!;
        assert.deepEqual(s.params, t.params);
        matchesEngine(METRIC_NAMES.map((m) => s.metrics[m]), METRIC_NAMES.map((m) => t.metrics[m]), `lag ${lag} ${JSON.stringify(t.params)}`);
      }
      assert.ok(fast.trials.every((t) => Number.isNaN(t.metrics.stability)));
      // The best's metrics come from a full engine run, stability included.
      assert.deepEqual(fast.best!.params, general.best!.params);
      assert.equal(fast.best!.metrics.stability, general.best!.metrics.stability);
      assert.ok(Math.abs(fast.deflated_sharpe!.value - general.deflated_sharpe!.value) <= 1e-12, `deflated Sharpe ${fast.deflated_sharpe!.value} vs ${general.deflated_sharpe!.value}`);
    }
  });

  it('equals the engine for every pair of the GOOG grid, long-only and long-short (ties included)', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const { prices } = await loadPriceFile(goog);
    const arrays = await toSecurityArrays(prices, { columns: ['close'] });
    for (const allowShort of [false, true]) {
      const pairs: Pair[] = [];
      for (let fast = 5; fast <= 50; fast++) for (let slow = 20; slow <= 200; slow++) if (fast < slow) pairs.push({ fast, slow, allowShort });
      const reference = engineMetrics(arrays, pairs, 1, 0.001);
      const frequency = inferFrequency(arrays);
      const { outcomes } = await sweepSmaCross(arrays, pairs as unknown as Record<string, unknown>[], { costRate: 0.001, lag: 1, execution: 'close', periodsPerYear: frequency.periodsPerYear });
      assert.equal(outcomes.length, 7830);
      outcomes.forEach((o, k) => matchesEngine(metricsOf(o, 'sweep'), reference[k], JSON.stringify(pairs[k])));
    }
  });

  it('the exact SMA ties of GOOG (docs/indicators.md) are flat, not short, on both paths', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const { prices } = await loadPriceFile(goog);
    const arrays = await toSecurityArrays(prices, { columns: ['close'] });
    const close = arrays.columns.close;
    // 2010-08-17: SMA(5) = SMA(25) exactly; check it is a tie in the exact SMAs used here.
    const day = arrays.time.indexOf(Date.UTC(2010, 7, 17) / 86_400_000);
    assert.ok(day > 0);
    assert.equal(smaArray(close, 5)[day], smaArray(close, 25)[day]);
    const common = { strategy: 'sma_cross', data: prices, grid: 'fast=5|10|11,slow=8|12|25,allowShort=true', feeBps: 10, threads: 0 };
    const fast = await optimize({ ...common, fastPath: true });
    const general = await optimize({ ...common, fastPath: false });
    assert.equal(fast.trials.length, 7); // 5/8, 5/12, 5/25, 10/12, 10/25, 11/12, 11/25
    for (const t of general.trials) {
      const s = fast.trials.find((x) => x.trial === t.trial)!;
      matchesEngine(METRIC_NAMES.map((m) => s.metrics[m]), METRIC_NAMES.map((m) => t.metrics[m]), JSON.stringify(t.params));
    }
  });

  it('regression: a long steady trend (mean ~250 x the standard deviation) keeps the Sharpe exact, where sum x^2 - n mean^2 cancels', async () => {
    const n = 200_000;
    const close = new Float64Array(n);
    let seed = 7;
    close[0] = 100;
    for (let t = 1; t < n; t++) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      close[t] = close[t - 1] * (1.001 + 1e-7 * (seed / 2 ** 32 - 0.5));
    }
    const arrays: SecurityArrays = { securities: ['UP'], offsets: Int32Array.of(0, n), time: Int32Array.from({ length: n }, (_, t) => 15_000 + t), timeUnit: 'day', columns: { close }, categories: {}, rowCount: n };
    const pairs: Pair[] = [{ fast: 2, slow: 3, allowShort: false }, { fast: 5, slow: 40, allowShort: true }];
    const reference = engineMetrics(arrays, pairs, 1, 0);
    const { outcomes } = await sweepSmaCross(arrays, pairs as unknown as Record<string, unknown>[], { costRate: 0, lag: 1, execution: 'close', periodsPerYear: inferFrequency(arrays).periodsPerYear });
    outcomes.forEach((o, k) => {
      const metrics = metricsOf(o, 'sweep');
      // 200,000 compounded bars: the engine's own running product drifts by ~1e-11 (n x 1e-16).
      matchesEngine(metrics, reference[k], JSON.stringify(pairs[k]), 1e-9);
      for (const name of ['sharpe', 'annual_volatility'] as const) {
        const i = METRIC_NAMES.indexOf(name);
        assert.ok(Math.abs(metrics[i] - reference[k][i]) <= 1e-12 * Math.abs(reference[k][i]), `${name} ${metrics[i]} vs ${reference[k][i]}`);
      }
    });
    // The data is hard: the one-pass textbook formula misses by far more than the tolerance.
    const net = new Float64Array(n);
    for (let t = 3; t < n; t++) net[t] = close[t] / close[t - 1] - 1; // pair 2/3: long from bar 3 on
    let sum = 0;
    let sumOfSquares = 0;
    for (const x of net) {
      sum += x;
      sumOfSquares += x * x;
    }
    const mean = sum / n;
    let deviations = 0;
    for (const x of net) deviations += (x - mean) * (x - mean);
    // Measured: 5e-10 relative.
    assert.ok(Math.abs(sumOfSquares - n * mean * mean - deviations) > 1e-10 * deviations);
  });

  it('a +150% bar sends searches that go short to the general path (a short loses more than it has), long-only ones stay on the sweep', async () => {
    const close = (synthetic.getColumn('close').toArray() as number[]).map((c, t) => (t > 700 ? c * 2.5 : c));
    const jump = synthetic.withColumn(pl.Series('close', close, pl.Float64));
    const common = { strategy: 'sma_cross', data: jump, grid: 'fast=5|10,slow=20|40', threads: 0 };
    assert.equal((await optimize({ ...common, grid: `${common.grid},allowShort=true` })).path, 'general');
    assert.equal((await optimize(common)).path, 'sweep');
  });

  it('a slow window longer than the data fails that parameter set on both paths (NO_TARGETS), the rest run', async () => {
    const short = synthetic.head(80);
    for (const fastPath of [true, false]) {
      const r = await optimize({ strategy: 'sma_cross', data: short, grid: { fast: [5], slow: [20, 60, 100] }, threads: 0, fastPath });
      assert.equal(r.n_trials, 3);
      assert.equal(r.trials.length, 2);
      assert.equal(r.failures.length, 1);
      assert.deepEqual(r.failures[0].params, { fast: 5, slow: 100, allowShort: false });
      assert.equal(r.failures[0].error.code, 'NO_TARGETS');
      assert.match(r.failures[0].error.message, /80 bars per security at most, all of them warm-up/);
    }
  });

  it('uses 2 threads by default for 8M+ bar-steps once a started worker waits in the pool', async () => {
    const arrays = await toSecurityArrays(syntheticPanel({ securities: 1, days: 3000, seed: 2 }), { columns: ['close'] });
    const pairs: Record<string, unknown>[] = [];
    for (let fast = 2; fast <= 40; fast++) for (let slow = 45; slow <= 120; slow++) pairs.push({ fast, slow, allowShort: false });
    assert.ok(pairs.length * 3000 >= 8_000_000);
    const config = { costRate: 0.001, lag: 1, execution: 'close' as const, periodsPerYear: 252 };
    const starter = createRunner({ threads: 2 });
    await sweepSmaCross(arrays, pairs.slice(0, 10), config, { runner: starter, minWorkPerThread: 1 });
    await starter.close();
    assert.ok(idleWorkers() >= 1);
    const runner = createRunner({ threads: 2 });
    try {
      const threaded = await sweepSmaCross(arrays, pairs, config, { runner });
      assert.equal(threaded.threads, 2);
      const inline = await sweepSmaCross(arrays, pairs, config);
      threaded.outcomes.forEach((o, k) => sameMetrics(metricsOf(o, 'threaded'), metricsOf(inline.outcomes[k], 'inline'), JSON.stringify(pairs[k])));
    } finally {
      await runner.close();
    }
  });

  it('the sweep split over 2 and 3 worker threads gives the same numbers as on the calling thread', async () => {
    const pairs: Record<string, unknown>[] = [];
    for (let fast = 2; fast <= 30; fast += 2) for (let slow = 10; slow <= 120; slow += 10) if (fast < slow) pairs.push({ fast, slow, allowShort: fast % 4 === 0 });
    const config = { costRate: 0.0005, lag: 1, execution: 'close' as const, periodsPerYear: 252 };
    const inline = await sweepSmaCross(syntheticArrays, pairs, config);
    assert.equal(inline.threads, 0);
    for (const threads of [2, 3]) {
      const runner = createRunner({ threads });
      try {
        const threaded = await sweepSmaCross(syntheticArrays, pairs, config, { runner, minWorkPerThread: 1 });
        assert.equal(threaded.threads, threads);
        threaded.outcomes.forEach((o, k) => sameMetrics(metricsOf(o, 'threaded'), metricsOf(inline.outcomes[k], 'inline'), JSON.stringify(pairs[k])));
      } finally {
        await runner.close();
      }
    }
  });
});
