// Parameter search: the sma_cross sweep fast path on GOOG.csv (7,830 pairs, target < 40 ms of
// compute) and on a 1M-bar series (90 pairs, target < 1 s), beside a straightforward
// single-threaded typed-array loop for scale; then optimize() end to end and the general path
// (strategy through polars + engine per parameter set) on the calling thread and on workers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bench, machine } from './harness';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { toSecurityArrays, type SecurityArrays } from '../kernel-lib/kernels/bridge';
import { smaArray } from '../kernel-lib/kernels/rolling';
import { gridParamSets, parseParamSpace } from '../kernel-lib/optimize/grid';
import { optimize } from '../kernel-lib/optimize/optimize';
import { sweepSmaCross } from '../kernel-lib/optimize/sweep';
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
 * and Sharpe per pair, SMAs computed once per window.
 */
function straightforward(close: Float64Array, pairs: Array<{ fast: number; slow: number }>, out: Float64Array): void {
  const n = close.length;
  const r = new Float64Array(n);
  for (let t = 1; t < n; t++) r[t] = close[t] / close[t - 1] - 1;
  const smas = new Map<number, Float64Array>();
  for (const p of pairs) for (const w of [p.fast, p.slow]) if (!smas.has(w)) smas.set(w, smaArray(close, w));
  const net = new Float64Array(n);
  pairs.forEach((p, k) => {
    const f = smas.get(p.fast)!;
    const s = smas.get(p.slow)!;
    let previous = 0;
    let target = NaN;
    let sum = 0;
    let value = 1;
    for (let t = 0; t < n; t++) {
      const position = target === target ? target : 0;
      const x = position * r[t] - Math.abs(position - previous) * CONFIG.costRate;
      net[t] = x;
      sum += x;
      value *= 1 + x;
      previous = position;
      target = f[t] !== f[t] || s[t] !== s[t] ? NaN : f[t] > s[t] ? 1 : 0;
    }
    const mean = sum / n;
    let squares = 0;
    for (let t = 0; t < n; t++) squares += (net[t] - mean) * (net[t] - mean);
    out[2 * k] = (mean / Math.sqrt(squares / (n - 1))) * Math.sqrt(252);
    out[2 * k + 1] = value - 1;
  });
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
  const smaOnly = () => {
    const windows = new Set<number>();
    for (const p of bigSets) windows.add(p.fast as number).add(p.slow as number);
    for (const w of windows) smaArray(big.columns.close, w);
  };
  await cpuBest('  of which the 18 SMAs (smaArray)', smaOnly, 3);
  if (!existsSync(GOOG)) {
    console.log(`(skipped the GOOG cases: ${GOOG} is not present)`);
  } else {
    const { prices } = await loadPriceFile(GOOG);
    const arrays = await toSecurityArrays(prices, { columns: ['close'] });
    const sets = gridParamSets(smaCross, parseParamSpace(smaCross, 'fast=5..50,slow=20..200')).sets;
    const steps = sets.length * arrays.rowCount;
    console.log(`GOOG.csv: ${arrays.rowCount} bars, ${sets.length} pairs = ${(steps / 1e6).toFixed(1)}M bar-steps, fee 10 bps`);
    const baselineOut = new Float64Array(2 * sets.length);
    const pairs = sets as Array<{ fast: number; slow: number }>;
    await bench('straightforward loop: total return + Sharpe per pair (baseline)', () => straightforward(arrays.columns.close, pairs, baselineOut), { items: steps, unit: 'bar-steps', runs: 7 });
    const baselineCpu = await cpuBest('straightforward loop', () => straightforward(arrays.columns.close, pairs, baselineOut));
    await bench('sweep fast path: SMAs once + kernel, every metric but stability', () => sweepSmaCross(arrays, sets, CONFIG), { items: steps, unit: 'bar-steps', runs: 7, targetMs: 40 });
    const sweepCpu = await cpuBest('sweep fast path', () => sweepSmaCross(arrays, sets, CONFIG));
    console.log(`  sweep / straightforward CPU time: ${(sweepCpu / baselineCpu).toFixed(2)}`);
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
