// Synthetic panel generation: 3000 securities x 5000 business days = 15M rows of OHLCV, built
// in typed arrays and handed to polars once (kernel-lib/data/synthetic.ts). Also prints the
// process CPU time of one 15M generation: on a shared machine, wall time includes waiting for a
// core, CPU time does not (the generator loop is single-threaded; the frame build is polars).
import { bench, machine } from './harness';
import { syntheticPanel } from '../kernel-lib/data/synthetic';

const SECURITIES = 3000;
const DAYS = 5000;

async function main(): Promise<void> {
  console.log(machine());
  await bench('syntheticPanel 300 x 5000 (1.5M rows)', () => syntheticPanel({ securities: 300, days: DAYS, seed: 1 }), {
    items: 300 * DAYS, unit: 'rows', runs: 3,
  });
  await bench(`syntheticPanel ${SECURITIES} x ${DAYS} (15M rows)`, () => syntheticPanel({ securities: SECURITIES, days: DAYS, seed: 1 }), {
    items: SECURITIES * DAYS, unit: 'rows', runs: 2, warmup: false,
  });
  const before = process.cpuUsage();
  const t0 = performance.now();
  syntheticPanel({ securities: SECURITIES, days: DAYS, seed: 1 });
  const cpu = process.cpuUsage(before);
  console.log(`syntheticPanel 15M rows: wall ${(performance.now() - t0).toFixed(0)} ms, CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (user + system, all threads)`);
}

void main();
