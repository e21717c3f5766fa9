// The evaluation suite end to end (standard preset: 3 lags x off/industry = 6 variants, with the
// year and cap slices, plus the baselines reversal_5d and momentum_12_1 run the same way and
// their correlations with the signal), on the embedded sample and on a synthetic 3000 x 5000
// panel (target < 30 s). Also the long-short kernel alone on the synthetic panel (one variant,
// and the three lags of one residualization run together as the suite runs them).
import { loadavg } from 'node:os';
import pl from 'nodejs-polars';
import { bench, machine } from './harness';
import { openSample } from '../kernel-lib/data/sample';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { longShortKernel, longShortKernelLags, longShortOutputs, Residualize } from '../kernel-lib/kernels/xsection-longshort';
import { runSuite } from '../kernel-lib/suite/runner';
import { loadPanel } from '../kernel-lib/xsection/backtest';
import { parseXsectionConfig } from '../kernel-lib/xsection/config';
import { frameSource } from '../kernel-lib/xsection/frame-source';

/** A 20-day low-volatility signal in the contract format (known at the bar's close). */
async function lowVolSignal(prices: pl.DataFrame | pl.LazyFrame): Promise<pl.DataFrame> {
  const lazy = 'collectSync' in prices ? (prices as pl.LazyFrame) : (prices as pl.DataFrame).lazy();
  return lazy
    .sort(['security_id', 'date'])
    .select(
      pl.col('security_id'),
      pl.col('date').alias('date_sig'),
      pl.col('date').alias('date_avail'),
      pl.col('close').pctChange().rollingStd({ windowSize: 20 }).over('security_id').mul(-1).alias('signal'),
    )
    .filter(pl.col('signal').isNotNull().and(pl.col('signal').isFinite()))
    .collect();
}

async function main(): Promise<void> {
  console.log(`suite benchmarks on ${machine()}`);
  const quiet = { threads: 'auto' as const, validate: true };

  const sample = await openSample();
  const sampleSignal = await lowVolSignal(sample.prices({ columns: ['close'] }));
  await bench('suite standard, embedded sample 505 x 1259 (+2 baselines)', () => runSuite(sampleSignal, sample, quiet), { runs: 2, items: 1259 * 505, unit: 'cells' });

  const S = Number(process.env.SUITE_BENCH_SECURITIES ?? 3000);
  const D = Number(process.env.SUITE_BENCH_DAYS ?? 5000);
  const prices = syntheticPanel({ securities: S, days: D, seed: 7 });
  const ids = prices.getColumn('security_id').unique().sort();
  const groups = pl.DataFrame({ security_id: ids, sector: (ids.toArray() as string[]).map((_, i) => `G${i % 11}`) });
  const source = frameSource(prices, { groups, name: `synthetic-${S}x${D}` });
  const signal = await lowVolSignal(prices);

  const { panel } = await loadPanel(source, [parseXsectionConfig({})]);
  const T = panel.calendar.length;
  const N = panel.securities.length;
  const matrix = new Float64Array(T * N);
  for (let k = 0; k < T * N; k++) matrix[k] = Math.sin(k * 0.618);
  const inputs = { dates: T, securities: N, signal: matrix, tradable: panel.tradableClose, fwd: panel.fwdClose, groups: panel.groups, groupCount: panel.groupLabels.length, cap: panel.capBucket, size: panel.sizeProxy, factors: [] };
  const params = { lag: 1, residualize: Residualize.industry, weightBySignal: false, top: 0.1, bottom: 0.1, mincos: 10, naiveBps: 10, useCostMatrix: false, buckets: 10, capSlices: true };
  await bench(`long-short kernel, one variant (industry, + 3 cap books), ${S} x ${D}`, () => longShortKernel(inputs, params, [0, 1, 2, 3].map(() => longShortOutputs(T, 10))), { runs: 2, items: T * N, unit: 'cells' });
  const lags = [0, 1, 2].map((lag) => ({ ...params, lag }));
  await bench(`long-short kernel, lags 0, 1, 2 together (industry, + 3 cap books), ${S} x ${D}`, () => longShortKernelLags(inputs, lags, lags.map(() => [0, 1, 2, 3].map(() => longShortOutputs(T, 10)))), { runs: 1, warmup: false, items: 3 * T * N, unit: 'cells' });
  await bench(`load panel (dense matrices, size proxy), ${S} x ${D}`, () => loadPanel(source, [parseXsectionConfig({})]), { runs: 1, warmup: false, items: T * N, unit: 'cells' });

  let result: Awaited<ReturnType<typeof runSuite>> | undefined;
  let cpu = { user: 0, system: 0 };
  await bench(
    `suite standard, synthetic ${S} x ${D} (+2 baselines), workers`,
    async () => {
      const c0 = process.cpuUsage();
      result = await runSuite(signal, source, { threads: 'auto' });
      cpu = process.cpuUsage(c0);
    },
    { runs: 1, warmup: false, items: T * N, unit: 'cells', targetMs: 30_000 },
  );
  // CPU time of all threads (main, workers, polars): on a loaded machine the wall time above
  // stretches, this does much less.
  if (result) console.log(`  phases (ms): ${JSON.stringify(result.timings)}; process CPU time ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
