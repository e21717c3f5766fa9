/**
 * Factor research at scale: a synthetic 3000 securities x 5000 days panel (15M rows).
 * Targets (issue 3, this 2-core machine): one signal-horizon IC series < 0.6 s; a leaderboard
 * of 10 signals x 4 horizons with quantiles < 5 s. Peak RSS is reported per case (the process
 * high-water mark, so read later cases as "up to").
 *
 *   npx tsx bench/research.bench.ts [securities] [days]
 */
import { loadavg } from 'node:os';
import { bench, machine } from './harness';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { researchPanel } from '../kernel-lib/research/panel';
import { forwardReturns } from '../kernel-lib/research/forward-returns';
import { researchSignals } from '../kernel-lib/research/analyze';
import { leaderboard } from '../kernel-lib/research/leaderboard';

/**
 * The machine is shared: wall time depends on what else runs. CPU time of this process (all
 * threads) is printed too; the least over the timed runs is the cost of the work itself.
 */
function withCpu<T>(name: string, fn: () => Promise<T>): () => Promise<T> {
  const cpu: number[] = [];
  const wrapped = async () => {
    const c0 = process.cpuUsage();
    const r = await fn();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    return r;
  };
  (wrapped as { report?: () => void }).report = () =>
    console.log(`${''.padEnd(4)}${name}: CPU time (all threads) least ${Math.min(...cpu).toFixed(0)} ms over ${cpu.length} calls; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  return wrapped;
}

async function timed<T>(name: string, fn: () => Promise<T>, options: Parameters<typeof bench>[2]): Promise<void> {
  const wrapped = withCpu(name, fn);
  await bench(name, wrapped, options);
  (wrapped as { report?: () => void }).report!();
}

async function main(): Promise<void> {
  const securities = Number(process.argv[2] ?? 3000);
  const days = Number(process.argv[3] ?? 5000);
  const rows = securities * days;
  console.log(`research bench: ${securities} x ${days} = ${(rows / 1e6).toFixed(1)}M rows - ${machine()}`);

  let t0 = performance.now();
  const prices = syntheticPanel({ securities, days, seed: 7 });
  console.log(`  synthetic panel built in ${(performance.now() - t0).toFixed(0)} ms (setup, not timed below)`);
  t0 = performance.now();
  const panel = await researchPanel(prices);
  console.log(`  research panel (polars -> typed arrays, dense layout) in ${(performance.now() - t0).toFixed(0)} ms (setup)`);

  // Ten signals on the research dates: a weak forward-looking component (so ICs are not all
  // zero) plus noise of different strengths, with missing values at the start of each
  // security's history and ~1% scattered (exercising the subset-ranking path).
  const fwd5 = forwardReturns(panel, [5]).values[0];
  const signals: Record<string, { cells: Float64Array }> = {};
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let s = 0; s < 10; s++) {
    const cells = new Float64Array(new SharedArrayBuffer(8 * rows));
    const strength = 0.02 * s;
    for (let c = 0; c < rows; c++) {
      const t = Math.floor(c / securities);
      const f = fwd5[c];
      cells[c] = t < 20 * (s + 1) || uniform() < 0.01 ? NaN : (f === f ? strength * f : 0) + 0.05 * (uniform() - 0.5);
    }
    signals[`synthetic_${s}`] = { cells };
  }

  const base = { panel, correlation: false, regimes: false as const };
  await timed('IC series: 1 signal x 1 horizon (fwd returns + ranks + IC)', () =>
    researchSignals({ ...base, signals: { one: signals.synthetic_3 }, horizons: [5], quantiles: 0, lags: [] }),
  { items: rows, unit: 'rows', runs: 3, targetMs: 600 });

  await timed('IC series: 1 signal x 1 horizon, 1 thread', () =>
    researchSignals({ ...base, signals: { one: signals.synthetic_3 }, horizons: [5], quantiles: 0, lags: [], threads: 1 }),
  { items: rows, unit: 'rows', runs: 3, targetMs: 600 });

  await timed('leaderboard: 10 signals x 4 horizons, 5 quantiles, lag-1 autocorr', async () => {
    const result = await researchSignals({ ...base, signals, horizons: [1, 5, 10, 20], quantiles: 5, lags: [1] });
    return leaderboard(result.signals, { horizon: 5 });
  }, { items: rows * 10, unit: 'signal-rows', runs: 2, warmup: false, targetMs: 5000 });

  await timed('full research: 10 signals x 4 horizons, lags 1/5/21, correlation, regimes', () =>
    researchSignals({ panel, signals, horizons: [1, 5, 10, 20], quantiles: 5, lags: [1, 5, 21], correlation: true }),
  { items: rows * 10, unit: 'signal-rows', runs: 1, warmup: false });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
