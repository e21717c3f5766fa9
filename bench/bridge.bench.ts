// The polars <-> typed-array bridge on a 15M-row panel (3000 x 5000): moving OHLCV out of
// polars grouped by security, and a column set back in. Peak RSS is the process high-water mark
// (panel + arrays + copies). The CPU time of one trip each way is printed at the end: on a shared
// machine wall time includes waiting for a core (polars' threads included in CPU time).
import { bench, machine } from './harness';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { fromSecurityArrays, toSecurityArrays, type SecurityArrays } from '../kernel-lib/kernels/bridge';

const ROWS = 3000 * 5000;

async function main(): Promise<void> {
  console.log(machine());
  const panel = syntheticPanel({ securities: 3000, days: 5000, seed: 1 });
  console.log(`panel ready: ${panel.height} rows, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  let arrays: SecurityArrays | undefined;
  await bench('toSecurityArrays 15M rows x 1 column (close)', async () => {
    arrays = await toSecurityArrays(panel, { columns: ['close'] });
  }, { items: ROWS, unit: 'rows', runs: 2 });
  await bench('toSecurityArrays 15M rows x 5 columns (OHLCV)', async () => {
    arrays = await toSecurityArrays(panel, { columns: ['open', 'high', 'low', 'close', 'volume'] });
  }, { items: ROWS, unit: 'rows', runs: 2 });
  const a = arrays!;
  await bench('fromSecurityArrays 15M rows x 1 column', () => fromSecurityArrays(a, { close: a.columns.close }), { items: ROWS, unit: 'rows', runs: 2 });
  await bench('fromSecurityArrays 15M rows x 5 columns', () => fromSecurityArrays(a, a.columns), { items: ROWS, unit: 'rows', runs: 2 });
  const cpu = async (name: string, fn: () => unknown) => {
    const before = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const used = process.cpuUsage(before);
    console.log(`${name}: wall ${(performance.now() - t0).toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);
  };
  await cpu('toSecurityArrays OHLCV, one run', () => toSecurityArrays(panel, { columns: ['open', 'high', 'low', 'close', 'volume'] }));
  await cpu('fromSecurityArrays 5 columns, one run', () => fromSecurityArrays(a, a.columns));
}

void main();
