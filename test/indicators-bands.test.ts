import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { bollinger, donchian, rollingMax, rollingMin } from '../kernel-lib/indicators';
import { QuantbookError } from '../kernel-lib/errors';

// StockCharts ChartSchool Bollinger Bands (20, 2) worked example (SPY closes), from cs-bbands.xls
// published with technical-overlays/bollinger-bands. Bands use the population deviation.
const PRICE = [86.1557, 89.0867, 88.7829, 90.3228, 89.0671, 91.1453, 89.4397, 89.175, 86.9302, 87.6752, 86.9596, 89.4299, 89.3221, 88.7241, 87.4497, 87.2634,
  89.4985, 87.9006, 89.126, 90.7043, 92.9001, 92.9784, 91.8021, 92.6647, 92.6843, 92.3021, 92.7725, 92.5373, 92.949, 93.2039, 91.0669, 89.8318, 89.7435, 90.3994,
  90.7387, 88.0177, 88.0867, 88.8439, 90.7781, 90.5416, 91.3894, 90.65];
const MID = [88.70794, 89.04516, 89.239745, 89.390705, 89.5078, 89.68866, 89.7465, 89.91314, 90.081255, 90.382195, 90.65863, 90.863995, 90.88409, 90.90516,
  90.988925, 91.153375, 91.19109, 91.1205, 91.167665, 91.25027, 91.242135, 91.1666, 91.05018]; // rows 19..41
const UPPER = [91.291862, 91.949268, 92.612595, 92.9342, 93.31195, 93.72845, 93.899592, 94.266255, 94.565096, 94.786912, 95.043001, 94.907605, 94.902912,
  94.89532, 94.861013, 94.673629, 94.556593, 94.678752, 94.575786, 94.534271, 94.532306, 94.369251, 94.148503];
const LOWER = [86.124018, 86.141052, 85.866895, 85.84721, 85.70365, 85.64887, 85.593408, 85.560025, 85.597414, 85.977478, 86.274259, 86.820385, 86.865268,
  86.915, 87.116837, 87.633121, 87.825587, 87.562248, 87.759544, 87.966269, 87.951964, 87.963949, 87.951857];

function frame(series: Record<string, { close: number[]; high?: number[]; low?: number[] }>): pl.DataFrame {
  const rows = Object.entries(series).flatMap(([id, s]) => s.close.map((c, i) => ({ id, day: 18_000 + i, c, h: s.high?.[i] ?? c, l: s.low?.[i] ?? c })));
  return pl.DataFrame({
    security_id: rows.map((r) => r.id),
    date: pl.Series('date', rows.map((r) => r.day)).cast(pl.Date),
    high: rows.map((r) => r.h),
    low: rows.map((r) => r.l),
    close: rows.map((r) => r.c),
  });
}

async function columns(df: pl.DataFrame, exprs: pl.Expr[]): Promise<(number | null)[][]> {
  const out = await df.lazy().select(...exprs.map((e, k) => e.alias(`v${k}`))).collect();
  return exprs.map((_, k) => out.getColumn(`v${k}`).toArray() as (number | null)[]);
}

describe('indicators: bollinger', () => {
  it('reproduces the StockCharts (20, 2) worked example: SMA +/- 2 population deviations', async () => {
    const b = bollinger('close', 20, 2);
    const [mid, upper, lower] = await columns(frame({ SPY: { close: PRICE } }), [b.middle, b.upper, b.lower]);
    assert.deepEqual(mid.slice(0, 19), Array(19).fill(null));
    for (let k = 0; k < MID.length; k++) {
      assert.ok(Math.abs((mid[19 + k] as number) - MID[k]) < 1e-5, `middle row ${19 + k}`);
      assert.ok(Math.abs((upper[19 + k] as number) - UPPER[k]) < 1e-5, `upper row ${19 + k}`);
      assert.ok(Math.abs((lower[19 + k] as number) - LOWER[k]) < 1e-5, `lower row ${19 + k}`);
    }
  });

  it('uses the sample deviation with ddof 1, and restarts per security', async () => {
    // Window (1, 3): mean 2, sample sd sqrt(2), population sd 1.
    const b = bollinger('close', 2, 1, { ddof: 1 });
    const [mid, upper] = await columns(frame({ A: { close: [1, 3] }, B: { close: [10, 10] } }), [b.middle, b.upper]);
    assert.deepEqual(mid, [null, 2, null, 10]);
    assert.deepEqual(upper, [null, 2 + Math.SQRT2, null, 10]);
  });

  it('validates window and k', () => {
    assert.throws(() => bollinger('close', 1, 2), (e: unknown) => e instanceof QuantbookError && /'window'/.test(e.message));
    assert.throws(() => bollinger('close', 20, -1), (e: unknown) => e instanceof QuantbookError && /'k'/.test(e.message));
    assert.throws(() => bollinger('close', 20, 2, { ddof: 0.5 as never }), (e: unknown) => e instanceof QuantbookError && /'ddof'/.test(e.message));
  });
});

describe('indicators: rolling max/min and donchian', () => {
  const high = [5, 7, 6, 9, 8, 4];
  const low = [3, 4, 2, 5, 6, 1];
  const df = frame({ A: { close: [4, 6, 5, 8, 7, 2], high, low }, B: { close: [50, 40], high: [51, 41], low: [49, 39] } });

  it('takes the max/min of the last window values per security', async () => {
    const [mx, mn] = await columns(df, [rollingMax('high', 3), rollingMin('low', 3)]);
    assert.deepEqual(mx, [null, null, 7, 9, 9, 9, null, null]);
    assert.deepEqual(mn, [null, null, 2, 2, 2, 1, null, null]);
  });

  it('builds the channel from high and low, and shifts it by lag within the security', async () => {
    const d0 = donchian(3);
    const d1 = donchian(3, { lag: 1 });
    const [u0, l0, m0, u1, l1] = await columns(df, [d0.upper, d0.lower, d0.middle, d1.upper, d1.lower]);
    assert.deepEqual(u0, [null, null, 7, 9, 9, 9, null, null]);
    assert.deepEqual(l0, [null, null, 2, 2, 2, 1, null, null]);
    assert.deepEqual(m0, [null, null, 4.5, 5.5, 5.5, 5, null, null]);
    // lag 1: the channel of bars t-3..t-1 (what a breakout at t is compared with).
    assert.deepEqual(u1, [null, null, null, 7, 9, 9, null, null]);
    assert.deepEqual(l1, [null, null, null, 2, 2, 2, null, null]);
  });

  it('validates window and lag', () => {
    assert.throws(() => donchian(0), /'window'/);
    assert.throws(() => donchian(20, { lag: -1 }), /'lag'/);
    assert.throws(() => rollingMax('high', 1.5), /'window'/);
  });
});
