import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { decimalScale, emaArray, rollingStdArray, smaArray, smaRows } from '../kernel-lib/kernels/rolling';
import { trueRangeArray, wilderAtrArray, wilderRsiArray } from '../kernel-lib/kernels/wilder';
import { ema, rsi, sma } from '../kernel-lib/indicators';
import { sharedData } from './helpers';

const f = (xs: number[]) => Float64Array.from(xs);

/** Deterministic pseudo-random walk (LCG), so the test needs no fixture. */
function walk(n: number, decimals: number | null, seed = 7): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  let x = 100;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x *= 1 + (s / 2 ** 32 - 0.5) * 0.04;
    out[i] = decimals === null ? x : Math.round(x * 10 ** decimals) / 10 ** decimals;
  }
  return out;
}

function twoPassStd(xs: ArrayLike<number>, from: number, to: number, ddof: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m += xs[i];
  m /= to - from;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / (to - from - ddof));
}

describe('kernels: rolling statistics over typed arrays', () => {
  it('finds the smallest exact decimal scale', () => {
    assert.equal(decimalScale(f([1, 2, 3]), 10), 1);
    assert.equal(decimalScale(f([1.25, 377.9, NaN]), 10), 100);
    assert.equal(decimalScale(f([1.23456]), 10), 1e6);
    assert.equal(decimalScale(f([Math.PI]), 10), 0);
    assert.equal(decimalScale(f([1e12 + 0.5]), 1000), 0);
  });

  it('smaArray: hand-worked, NaN windows, and exact on equal decimal windows', () => {
    assert.deepEqual([...smaArray(f([1, 2, 3, 4, 5]), 3)], [NaN, NaN, 2, 3, 4]);
    assert.deepEqual([...smaArray(f([1, NaN, 3, 4, 5]), 2)], [NaN, NaN, NaN, 3.5, 4.5]);
    const out = smaArray(f([101.37, 250.11, 377.9, 412.06, 489.24, 489.24, 489.24, 489.24, 489.24]), 5);
    assert.equal(out[8], 489.24);
  });

  it('smaArray: the compensated fallback stays within 1e-12 of a from-scratch sum on 20k non-decimal values', () => {
    const x = walk(20_000, null);
    const out = smaArray(x, 50);
    for (let i = 49; i < x.length; i += 97) {
      let s = 0;
      for (let j = i - 49; j <= i; j++) s += x[j];
      assert.ok(Math.abs(out[i] - s / 50) <= 1e-12 * (s / 50), `row ${i}`);
    }
  });

  it('smaArray and emaArray agree with the polars indicators on GOOG closes (SMA bit for bit)', async function () {
    const raw = pl.readCSV(sharedData(this, 'GOOG.csv'));
    const close = raw.getColumn('Close').cast(pl.Float64).toTypedArray() as Float64Array;
    const frame = pl.DataFrame({ security_id: Array(close.length).fill('GOOG'), close: pl.Series('close', close) });
    const out = await frame.lazy().select(sma('close', 25).fillNull(pl.lit(NaN)), ema('close', { span: 10 }).fillNull(pl.lit(NaN))).collect();
    assert.deepEqual(smaArray(close, 25), out.getColumn('sma_close_25').toTypedArray());
    const e = emaArray(close, 2 / 11, 10);
    const p = out.getColumn('ema_close_10').toTypedArray() as Float64Array;
    for (let i = 0; i < close.length; i++) assert.ok(Number.isNaN(p[i]) ? Number.isNaN(e[i]) : Math.abs(e[i] - p[i]) < 1e-9, `row ${i}`);
    // The 2010-08-17 tie: SMA(5) = SMA(25) = 489.242 exactly.
    const i = (raw.getColumn(raw.columns[0]).toArray() as string[]).indexOf('2010-08-17');
    assert.equal(smaArray(close, 5)[i], smaArray(close, 25)[i]);
  });

  it('smaRows: every window bit for bit as smaArray (shared prefix sum, fallbacks for non-decimal and NaN data)', () => {
    const windows = Int32Array.from([1, 2, 5, 20, 199, 200, 250, 300]);
    const withNaN = walk(250, 2);
    withNaN[40] = NaN;
    for (const values of [walk(250, 2), walk(250, 4), walk(250, null), withNaN, f([]), f([3])]) {
      const n = values.length;
      const rows = smaRows(values, windows, new Float64Array(windows.length * n));
      windows.forEach((w, j) => {
        const expected = smaArray(values, w);
        for (let i = 0; i < n; i++) assert.ok(Object.is(rows[j * n + i], expected[i]), `window ${w}, bar ${i}: ${rows[j * n + i]} vs ${expected[i]}`);
      });
    }
  });

  it('emaArray: recursion by hand, minPeriods, NaN skipped', () => {
    assert.deepEqual([...emaArray(f([1, 2, 3, 4, 5]), 0.5, 3)], [NaN, NaN, 2.25, 3.125, 4.0625]);
    assert.deepEqual([...emaArray(f([1, NaN, 3]), 0.5)], [1, NaN, 2]);
  });

  it('rollingStdArray: hand-worked, exactly 0 on equal values, ddof 0 and 1', () => {
    const out = rollingStdArray(f([2, 4, 9]), 3, 1);
    assert.ok(Math.abs(out[2] - Math.sqrt(13)) < 1e-15);
    assert.equal(rollingStdArray(f([2, 4, 9]), 3, 0)[2], Math.sqrt(26 / 3));
    assert.equal(rollingStdArray(f([1.1, 489.24, 489.24, 489.24]), 3, 1)[3], 0);
    assert.ok(Number.isNaN(rollingStdArray(f([1, NaN, 3, 4]), 2)[2]));
  });

  it('rollingStdArray: decimal and non-decimal paths match a two-pass computation on 20k values', () => {
    for (const decimals of [2, null]) {
      const x = walk(20_000, decimals, 11);
      const out = rollingStdArray(x, 30, 1);
      for (let i = 29; i < x.length; i += 101) {
        const expected = twoPassStd(x, i - 29, i + 1, 1);
        assert.ok(Math.abs(out[i] - expected) <= 1e-9 * expected, `decimals ${decimals} row ${i}: ${out[i]} vs ${expected}`);
      }
    }
  });

  it('Wilder RSI and ATR over arrays reproduce the StockCharts worked examples', () => {
    // cs-rsi.xls and cs-atr.xls (StockCharts ChartSchool), as in indicators-wilder.test.ts.
    const close = f([44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614, 46.282, 46.282, 46.0028]);
    const rsi = wilderRsiArray(close, 14);
    assert.ok(Number.isNaN(rsi[13]));
    assert.ok(Math.abs(rsi[14] - 70.5328) < 1e-3 && Math.abs(rsi[15] - 66.3186) < 1e-3);
    const high = f([48.7, 48.72, 48.9, 48.87, 48.82, 49.05, 49.2, 49.35, 49.92, 50.19, 50.12, 49.66, 49.88, 50.19, 50.36]);
    const low = f([47.79, 48.14, 48.39, 48.37, 48.24, 48.635, 48.94, 48.86, 49.5, 49.87, 49.2, 48.9, 49.43, 49.725, 49.26]);
    const cl = f([48.16, 48.61, 48.75, 48.63, 48.74, 49.03, 49.07, 49.32, 49.91, 50.13, 49.53, 49.5, 49.75, 50.03, 50.31]);
    assert.ok(Math.abs(trueRangeArray(high, low, cl)[0] - 0.91) < 1e-12);
    const atr = wilderAtrArray(high, low, cl, 14);
    assert.ok(Number.isNaN(atr[12]));
    assert.ok(Math.abs(atr[13] - 0.555) < 1e-6 && Math.abs(atr[14] - 0.593929) < 1e-6);
  });

  it('Wilder RSI: missing changes are skipped, in the seed too (as the polars rsi with a null, which the bridge hands over as NaN)', async () => {
    // Changes: NaN, NaN, +1, +1 (seed of 2 at row 4), -2 -> G = 0.5, L = 1.
    const close = [1, NaN, 3, 4, 5, 3];
    const r = wilderRsiArray(f(close), 2);
    assert.deepEqual([...r.slice(0, 4)], [NaN, NaN, NaN, NaN]);
    assert.equal(r[4], 100);
    assert.ok(Math.abs(r[5] - 100 / 3) < 1e-12);
    const frame = pl.DataFrame({ security_id: Array(6).fill('A'), close: close.map((x) => (Number.isNaN(x) ? null : x)) });
    const polars = (await frame.lazy().select(rsi('close', 2)).collect()).getColumn('rsi_close_2').toArray();
    assert.deepEqual(polars.slice(0, 4), [null, null, null, null]);
    assert.equal(polars[4], 100);
    assert.ok(Math.abs((polars[5] as number) - 100 / 3) < 1e-12);
  });
});
