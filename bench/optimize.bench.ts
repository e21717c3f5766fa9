// Parameter search: the sma_cross sweep fast path on GOOG.csv (7,830 pairs, target < 40 ms of
// compute) and on a 1M-bar series (90 pairs, target < 1 s), beside a straightforward
// single-threaded typed-array loop for scale; then optimize() end to end and the general path
// (strategy through polars + engine per parameter set) on the calling thread and on workers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bench, machine } from './harness';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { toSecurityArrays, type SecurityArrays } from '../kernel-lib/kernels/bridge';
import { smaArray, smaRows } from '../kernel-lib/kernels/rolling';
import { gridParamSets, parseParamSpace } from '../kernel-lib/optimize/grid';
import { optimize } from '../kernel-lib/optimize/optimize';
import { sweepSmaCross } from '../kernel-lib/optimize/sweep';
import { createRunner } from '../kernel-lib/optimize/pool';
import { smaCross } from '../kernel-lib/strategy/builtins';

const GOOG = join(__dirname, '..', '..', 'shared', 'data', 'GOOG.csv');
const CONFIG = { costRate: 0.001, lag: 1, execution: 'close' as const, periodsPerYear: 252 };

/** Best process CPU time (user + system) of `runs` calls, after one untimed call. */
async function cpuBest(name: string, fn: () => unknown, runs = 7): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  console.log(`${`  ${name} (CPU time)`.padEnd(58)} best ${best.toFixed(1).padStart(9)} ms`);
  return best;
}

/**
 * The baseline: for every pair, one loop over the bars (target from the two SMAs, position,
 * net return with costs, sum and product), a second for the squared deviations: total return
 * and Sharpe per pair, SMAs computed once per window. Written the way V8 runs fastest (plain
 * loops, selects, no closures), so the comparison is with the best plain loop, not a slow one.
 */
function straightforward(close: Float64Array, fast: Int32Array, slow: Int32Array, costRate: number, out: Float64Array): void {
  const n = close.length;
  const { r, smas } = returnsAndSmas(close, fast, slow);
  const net = new Float64Array(n);
  for (let k = 0; k < fast.length; k++) {
    const total = pairReturns(r, smas.get(fast[k])!, smas.get(slow[k])!, costRate, net);
    const mean = sumOf(net) / n;
    out[2 * k] = (mean / Math.sqrt(squaredDeviations(net, mean) / (n - 1))) * Math.sqrt(252);
    out[2 * k + 1] = total;
  }
}

/**
 * The plainest loop: one pass per pair with a sum, a sum of squares (variance = (sum x^2 -
 * n mean^2) / (n - 1)) and a product - the loop the issue's "about 45 ms" figure describes.
 */
function singlePass(close: Float64Array, fast: Int32Array, slow: Int32Array, costRate: number, out: Float64Array): void {
  const n = close.length;
  const { r, smas } = returnsAndSmas(close, fast, slow);
  for (let k = 0; k < fast.length; k++) {
    const f = smas.get(fast[k])!;
    const s = smas.get(slow[k])!;
    let previous = 0;
    let sum = 0;
    let squares = 0;
    let value = 1;
    for (let t = 1; t < n; t++) {
      const position = f[t - 1] > s[t - 1] ? 1 : 0;
      const x = position * r[t] - Math.abs(position - previous) * costRate;
      sum += x;
      squares += x * x;
      value *= 1 + x;
      previous = position;
    }
    const mean = sum / n;
    out[2 * k] = (mean / Math.sqrt((squares - n * mean * mean) / (n - 1))) * Math.sqrt(252);
    out[2 * k + 1] = value - 1;
  }
}

/** Both baselines' setup: the bar returns, and each window's SMA once. */
function returnsAndSmas(close: Float64Array, fast: Int32Array, slow: Int32Array): { r: Float64Array; smas: Map<number, Float64Array> } {
  const r = new Float64Array(close.length);
  for (let t = 1; t < close.length; t++) r[t] = close[t] / close[t - 1] - 1;
  const smas = new Map<number, Float64Array>();
  for (let k = 0; k < fast.length; k++) for (const w of [fast[k], slow[k]]) if (!smas.has(w)) smas.set(w, smaArray(close, w));
  return { r, smas };
}

function pairReturns(r: Float64Array, f: Float64Array, s: Float64Array, costRate: number, net: Float64Array): number {
  let previous = 0;
  let value = 1;
  for (let t = 1; t < r.length; t++) {
    const position = f[t - 1] > s[t - 1] ? 1 : 0; // NaN during warm-up compares false: flat
    const x = position * r[t] - Math.abs(position - previous) * costRate;
    net[t] = x;
    value *= 1 + x;
    previous = position;
  }
  return value - 1;
}

function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let t = 0; t < values.length; t++) sum += values[t];
  return sum;
}

function squaredDeviations(values: Float64Array, mean: number): number {
  let squares = 0;
  for (let t = 0; t < values.length; t++) squares += (values[t] - mean) * (values[t] - mean);
  return squares;
}

/** A 1M-bar random walk quoted in cents (decimal prices, so the exact SMA path applies). */
function randomWalk(n: number): SecurityArrays {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const close = new Float64Array(n);
  const time = new Int32Array(n);
  let level = 100;
  for (let i = 0; i < n; i++) {
    level *= 1 + (random() - 0.5) * 0.03;
    close[i] = Math.max(0.01, Math.round(level * 100) / 100);
    time[i] = i;
  }
  return { securities: ['SYN'], offsets: Int32Array.from([0, n]), time, timeUnit: 'day', columns: { close }, categories: {}, rowCount: n };
}

async function main(): Promise<void> {
  console.log(`optimize benchmarks on ${machine()}`);
  // First, so the peak RSS printed with it is this case's alone.
  const big = randomWalk(1_000_000);
  const bigSets = gridParamSets(smaCross, parseParamSpace(smaCross, 'fast=5..50:5,slow=20..200:20')).sets;
  const bigSteps = bigSets.length * big.rowCount;
  console.log(`1M-bar series: ${bigSets.length} pairs = ${(bigSteps / 1e6).toFixed(0)}M bar-steps`);
  await bench('sweep fast path, 1M bars x 90 pairs (SMAs + kernel)', () => sweepSmaCross(big, bigSets, CONFIG), { items: bigSteps, unit: 'bar-steps', runs: 3, targetMs: 1000 });
  await cpuBest('sweep fast path, 1M bars x 90 pairs', () => sweepSmaCross(big, bigSets, CONFIG), 3);
  const bigWindows = Int32Array.from(new Set(bigSets.flatMap((p) => [p.fast as number, p.slow as number])));
  const bigSma = new Float64Array(bigWindows.length * big.rowCount);
  await cpuBest(`  of which the ${bigWindows.length} SMAs (smaRows, one shared prefix sum)`, () => smaRows(big.columns.close, bigWindows, bigSma), 3);
  if (!existsSync(GOOG)) {
    console.log(`(skipped the GOOG cases: ${GOOG} is not present)`);
  } else {
    const { prices } = await loadPriceFile(GOOG);
    const arrays = await toSecurityArrays(prices, { columns: ['close'] });
    const sets = gridParamSets(smaCross, parseParamSpace(smaCross, 'fast=5..50,slow=20..200')).sets;
    const steps = sets.length * arrays.rowCount;
    console.log(`GOOG.csv: ${arrays.rowCount} bars, ${sets.length} pairs = ${(steps / 1e6).toFixed(1)}M bar-steps, fee 10 bps`);
    const baselineOut = new Float64Array(2 * sets.length);
    const fast = Int32Array.from(sets, (p) => p.fast as number);
    const slow = Int32Array.from(sets, (p) => p.slow as number);
    const baseline = () => straightforward(arrays.columns.close, fast, slow, CONFIG.costRate, baselineOut);
    await bench('straightforward loop: total return + Sharpe per pair (baseline)', baseline, { items: steps, unit: 'bar-steps', runs: 7 });
    const baselineCpu = await cpuBest('straightforward loop', baseline);
    const plainest = () => singlePass(arrays.columns.close, fast, slow, CONFIG.costRate, baselineOut);
    await bench('straightforward single pass: sum, sum of squares, product per pair', plainest, { items: steps, unit: 'bar-steps', runs: 7 });
    await bench('sweep fast path: SMAs once + kernel, every metric but stability', () => sweepSmaCross(arrays, sets, CONFIG), { items: steps, unit: 'bar-steps', runs: 7, targetMs: 40 });
    const sweepCpu = await cpuBest('sweep fast path', () => sweepSmaCross(arrays, sets, CONFIG));
    console.log(`  sweep / straightforward CPU time: ${(sweepCpu / baselineCpu).toFixed(2)}`);
    // Both stages split between the calling thread and 1 started worker: a session's second
    // search (the pool keeps started workers, and the default threshold is then 4M bar-steps).
    const pool = createRunner({ threads: 2 });
    await bench('sweep fast path, calling thread + 1 warm worker', () => sweepSmaCross(arrays, sets, CONFIG, { runner: pool, minWorkPerThread: 1 }), { items: steps, unit: 'bar-steps', runs: 15, targetMs: 40 });
    await pool.close();
    await bench('optimize() end to end (validate, share, sweep, rank, table, best run, DSR)', () => optimize({ strategy: 'sma_cross', data: prices, grid: 'fast=5..50,slow=20..200', feeBps: 10, threads: 0 }), { runs: 3 });
    const general = { strategy: 'rsi_reversion', data: prices, grid: 'period=7..21:2,lower=20|25|30', feeBps: 10 };
    await bench('general path: 24 rsi_reversion sets, calling thread', () => optimize({ ...general, threads: 0 }), { items: 24, unit: 'sets', runs: 2 });
    await bench('general path: 24 rsi_reversion sets, 2 worker threads', () => optimize({ ...general, threads: 2 }), { items: 24, unit: 'sets', runs: 2 });
  }

}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
