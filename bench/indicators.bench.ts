// Indicators on the 15M-row synthetic panel (3000 securities x 5000 days), per security:
// polars expressions (collect of one indicator column) against the typed-array kernels over the
// bridge's arrays (kernel time only; the one-off trip out of polars is in bridge.bench.ts).
// Then the stateful kernels over the same 15M bars, and applyKernel end to end on 1M rows.
import pl from 'nodejs-polars';
import { bench, machine } from './harness';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { toSecurityArrays, type SecurityArrays } from '../kernel-lib/kernels/bridge';
import { atr, ema, rsi, sma } from '../kernel-lib/indicators';
import { emaArray, rollingStdArray, smaArray } from '../kernel-lib/kernels/rolling';
import { wilderAtrArray, wilderRsiArray } from '../kernel-lib/kernels/wilder';
import { trailingStop, trailingStopKernel } from '../kernel-lib/kernels/trailing-stop';
import { superTrendKernel } from '../kernel-lib/kernels/super-trend';
import { variableEmaKernel } from '../kernel-lib/kernels/variable-ema';

const ROWS = 3000 * 5000;

/** Runs `kernel(from, to)` over each security's row range. */
function perSecurity(a: SecurityArrays, kernel: (from: number, to: number) => void): void {
  for (let g = 0; g < a.securities.length; g++) kernel(a.offsets[g], a.offsets[g + 1]);
}

async function main(): Promise<void> {
  console.log(machine());
  const panel = syntheticPanel({ securities: 3000, days: 5000, seed: 1 });
  const lazy = panel.lazy();
  const polars = (name: string, expr: pl.Expr) =>
    bench(`polars ${name} per security, 15M rows`, () => lazy.select(expr).collect(), { items: ROWS, unit: 'rows', runs: 2 });

  await polars('rollingMean(20) (float, inexact)', pl.col('close').rollingMean(20).over('security_id'));
  await polars('sma(close, 20) (exact)', sma('close', 20));
  await polars('ema(close, {span: 20})', ema('close', { span: 20 }));
  await polars('rsi(close, 14)', rsi('close', 14));
  await polars('atr(14)', atr(14));

  const a = await toSecurityArrays(panel, { columns: ['high', 'low', 'close'] });
  const { close, high, low } = a.columns;
  const out = new Float64Array(ROWS);
  const out2 = new Float64Array(ROWS);
  const out3 = new Float64Array(ROWS);
  const kernel = (name: string, fn: () => void) => bench(`kernel ${name} per security, 15M bars`, fn, { items: ROWS, unit: 'bars', runs: 3 });

  await kernel('smaArray(20) (exact)', () => perSecurity(a, (i, j) => smaArray(close.subarray(i, j), 20, out.subarray(i, j))));
  await kernel('emaArray(alpha 2/21)', () => perSecurity(a, (i, j) => emaArray(close.subarray(i, j), 2 / 21, 20, out.subarray(i, j))));
  await kernel('rollingStdArray(20)', () => perSecurity(a, (i, j) => rollingStdArray(close.subarray(i, j), 20, 1, out.subarray(i, j))));
  await kernel('wilderRsiArray(14)', () => perSecurity(a, (i, j) => wilderRsiArray(close.subarray(i, j), 14, out.subarray(i, j))));
  await kernel('wilderAtrArray(14)', () => perSecurity(a, (i, j) => wilderAtrArray(high.subarray(i, j), low.subarray(i, j), close.subarray(i, j), 14, out.subarray(i, j))));

  // Stateful kernels: inputs prepared once (ATR in `atr`, a 20/50 SMA-cross signal in `signal`).
  const atrValues = new Float64Array(ROWS);
  const signal = new Float64Array(ROWS);
  perSecurity(a, (i, j) => {
    wilderAtrArray(high.subarray(i, j), low.subarray(i, j), close.subarray(i, j), 14, atrValues.subarray(i, j));
    const fast = smaArray(close.subarray(i, j), 20);
    const slow = smaArray(close.subarray(i, j), 50);
    for (let t = i; t < j; t++) signal[t] = fast[t - i] > slow[t - i] ? 1 : 0;
  });
  const stopParams = { percent: 0, atrMultiple: 3, atrPeriod: 14, intrabar: false, trailHighLow: true };
  const sub = (x: Float64Array, i: number, j: number) => x.subarray(i, j);
  await kernel('trailingStopKernel (ATR x 3)', () => perSecurity(a, (i, j) =>
    trailingStopKernel(sub(close, i, j), sub(high, i, j), sub(low, i, j), sub(signal, i, j), sub(atrValues, i, j), stopParams, sub(out, i, j), sub(out2, i, j), sub(out3, i, j))));
  const direction = new Float64Array(ROWS);
  await kernel('superTrendKernel (10, 3)', () => perSecurity(a, (i, j) =>
    superTrendKernel(sub(high, i, j), sub(low, i, j), sub(close, i, j), sub(atrValues, i, j), 3, sub(out, i, j), sub(direction, i, j), sub(out2, i, j), sub(out3, i, j))));
  const alpha = new Float64Array(ROWS);
  for (let t = 0; t < ROWS; t++) alpha[t] = 0.05 + 0.2 * ((t * 2654435761) % 1000) / 1000;
  await kernel('variableEmaKernel', () => perSecurity(a, (i, j) => variableEmaKernel(sub(close, i, j), sub(alpha, i, j), sub(out, i, j))));

  // End to end through the bridge on 1M rows (200 securities x 5000): polars -> arrays -> kernel -> polars.
  const small = syntheticPanel({ securities: 200, days: 5000, seed: 2 }).withColumns(
    pl.when(sma('close', 20).gt(sma('close', 50))).then(pl.lit(1)).otherwise(pl.lit(0)).alias('signal'),
  );
  await bench('trailingStop(frame, ATR x 3) end to end, 1M rows', () => trailingStop(small, { atrMultiple: 3 }), { items: small.height, unit: 'rows', runs: 3 });
}

void main();
