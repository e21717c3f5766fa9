// The signal contract on a 15M-row signal (3000 securities x 5000 business days): validating
// it against the prices and calendar of a synthetic panel of the same size, and aligning it
// (lag 1); then one validation plus alignments at lags 0, 1, 2 with and without shared keys. The signal carries realistic defects so the slow paths run too: every 1009th value
// is NaN and every 997th row becomes available one day late (which makes some rows superseded).
// Besides wall time the harness's peak RSS is printed; CPU time is printed separately because
// on a shared machine wall time mostly measures the neighbours.
import pl from 'nodejs-polars';
import { bench, machine } from './harness';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { validateSignal } from '../kernel-lib/contract/validate';
import { alignSignal } from '../kernel-lib/contract/align';
import { resolveContext } from '../kernel-lib/contract/context';
import { signalKeys } from '../kernel-lib/contract/signal-keys';

const SECURITIES = 3000;
const DAYS = 5000;
const ROWS = SECURITIES * DAYS;

function signalFrom(panel: pl.DataFrame): pl.DataFrame {
  const days = panel.getColumn('date').cast(pl.Int32).toTypedArray() as Int32Array;
  const avail = new Int32Array(ROWS);
  const value = new Float64Array(ROWS);
  let seed = 7;
  for (let i = 0; i < ROWS; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    value[i] = i % 1009 === 0 ? NaN : seed / 2_147_483_648 - 0.5;
    avail[i] = days[i] + (i % 997 === 0 ? 1 : 0);
  }
  return pl.DataFrame([
    panel.getColumn('security_id'),
    panel.getColumn('date').alias('date_sig'),
    pl.Series('date_avail', avail).cast(pl.Date),
    pl.Series('signal', value),
  ]);
}

async function cpuSeconds<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  console.log(`  ${label}: wall ${((performance.now() - t0) / 1000).toFixed(2)} s, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (all threads)`);
  return out;
}

async function main(): Promise<void> {
  console.log(machine());
  const panel = syntheticPanel({ securities: SECURITIES, days: DAYS, seed: 1 });
  const prices = panel.select('security_id', 'date', 'close');
  const calendar = await prices.lazy().select(pl.col('date').unique().sort()).collect();
  const signal = signalFrom(panel);
  console.log(`signal ready: ${signal.height} rows, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);

  const report = await cpuSeconds('one validation', () => validateSignal(signal, { prices, calendar, today: '2030-01-01' }));
  console.log(`  report: ok=${report.ok}, ${report.problems.map((p) => `${p.rule} ${p.count}`).join(', ')}, usable ${report.summary.usableRows}`);
  await bench('validateSignal 15M rows vs prices + calendar', () => validateSignal(signal, { prices, calendar, today: '2030-01-01' }), {
    items: ROWS, unit: 'rows', runs: 2, warmup: false,
  });
  const aligned = await cpuSeconds('one alignment', () => alignSignal(signal, calendar, { prices, lag: 1 }));
  console.log(`  aligned: kept ${aligned.counts.kept}, dropped ${JSON.stringify(Object.fromEntries(Object.entries(aligned.counts.byReason).filter(([, n]) => n > 0)))}`);
  await bench('alignSignal 15M rows, lag 1, vs prices', () => alignSignal(signal, calendar, { prices, lag: 1 }), {
    items: ROWS, unit: 'rows', runs: 2, warmup: false,
  });

  // One validation and three alignments (lags 0, 1, 2), as a suite-like caller does: each call
  // on the frame, then through keys and a context read once (docs/contract.md).
  await cpuSeconds('validate + align at lags 0, 1, 2, every call on the frame', async () => {
    await validateSignal(signal, { prices, calendar, today: '2030-01-01' });
    for (const lag of [0, 1, 2]) await alignSignal(signal, calendar, { prices, lag });
  });
  await cpuSeconds('the same through signalKeys + resolveContext once', async () => {
    const keys = await signalKeys(signal);
    const context = await resolveContext({ prices, calendar });
    await validateSignal(keys, { context, today: '2030-01-01' });
    for (const lag of [0, 1, 2]) await alignSignal(keys, calendar, { context, lag });
  });
}

void main();
