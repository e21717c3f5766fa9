import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { roc, rollingVolatility, zscore } from '../kernel-lib/indicators';
import { QuantbookError } from '../kernel-lib/errors';

function frame(series: Record<string, number[]>): pl.DataFrame {
  const rows = Object.entries(series).flatMap(([id, xs]) => xs.map((c, i) => ({ id, day: 18_000 + i, c })));
  return pl.DataFrame({ security_id: rows.map((r) => r.id), date: pl.Series('date', rows.map((r) => r.day)).cast(pl.Date), close: rows.map((r) => r.c) });
}

async function column(df: pl.DataFrame, expr: pl.Expr): Promise<(number | null)[]> {
  return (await df.lazy().select(expr.alias('v')).collect()).getColumn('v').toArray() as (number | null)[];
}

function sampleStd(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

const close = (() => {
  const c = [100];
  for (let i = 1; i < 40; i++) c.push(Math.round(c[i - 1] * (1 + 0.02 * Math.sin(i * 1.7)) * 100) / 100);
  return c;
})();

describe('indicators: roc', () => {
  it('is x[t] / x[t-window] - 1 (a fraction), null for the first window rows of each security', async () => {
    assert.deepEqual(await column(frame({ A: [10, 11, 12, 15], B: [4, 5] }), roc('close', 2)), [null, null, 12 / 10 - 1, 15 / 11 - 1, null, null]);
    assert.throws(() => roc('close', 0), (e: unknown) => e instanceof QuantbookError && /'window'/.test(e.message));
  });
});

describe('indicators: rollingVolatility', () => {
  it('is the sample std (ddof 1) of the last window simple returns; null for the first window rows', async () => {
    const got = await column(frame({ A: close }), rollingVolatility('close', 10));
    const r = close.map((c, i) => (i === 0 ? NaN : c / close[i - 1] - 1));
    for (let i = 0; i < close.length; i++) {
      if (i < 10) assert.equal(got[i], null, `row ${i}`);
      else assert.ok(Math.abs((got[i] as number) - sampleStd(r.slice(i - 9, i + 1))) < 1e-12, `row ${i}`);
    }
  });

  it('annualizes by sqrt(periodsPerYear), takes log returns or the column itself', async () => {
    const df = frame({ A: close });
    const [plain, annual, log, none] = await Promise.all([
      column(df, rollingVolatility('close', 5)),
      column(df, rollingVolatility('close', 5, { periodsPerYear: 252 })),
      column(df, rollingVolatility('close', 5, { returns: 'log' })),
      column(df, rollingVolatility('close', 5, { returns: 'none' })),
    ]);
    const i = 20;
    assert.ok(Math.abs((annual[i] as number) - (plain[i] as number) * Math.sqrt(252)) < 1e-12);
    const logs = close.slice(i - 4, i + 1).map((c, k) => Math.log(c / close[i - 4 + k - 1]));
    assert.ok(Math.abs((log[i] as number) - sampleStd(logs)) < 1e-12);
    assert.ok(Math.abs((none[i] as number) - sampleStd(close.slice(i - 4, i + 1))) < 1e-9);
    assert.equal(none[3], null);
    assert.notEqual(none[4], null);
  });

  it('restarts per security and validates its parameters', async () => {
    const got = await column(frame({ A: [1, 2, 4], B: [8, 8, 8] }), rollingVolatility('close', 2));
    assert.deepEqual(got, [null, null, 0, null, null, 0]);
    assert.throws(() => rollingVolatility('close', 1), /'window'/);
    assert.throws(() => rollingVolatility('close', 20, { periodsPerYear: 0 }), /'periodsPerYear'/);
    assert.throws(() => rollingVolatility('close', 20, { returns: 'pct' as never }), /'returns'/);
  });
});

describe('indicators: zscore', () => {
  it('is (x - SMA) / sample std of the same window, current bar included', async () => {
    // Window (2, 4, 9): mean 5, sample sd sqrt(((-3)^2 + 1 + 16) / 2) = sqrt(13); z = 4 / sqrt(13).
    const got = await column(frame({ A: [2, 4, 9] }), zscore('close', 3));
    assert.deepEqual(got, [null, null, 4 / Math.sqrt(13)]);
  });

  it('is null on a window of equal values (deviation 0) and restarts per security', async () => {
    const got = await column(frame({ A: [489.24, 489.24, 489.24, 490], B: [1, 2] }), zscore('close', 3));
    assert.equal(got[2], null);
    assert.ok(Math.abs((got[3] as number) - (490 - (489.24 * 2 + 490) / 3) / sampleStd([489.24, 489.24, 490])) < 1e-9);
    assert.deepEqual(got.slice(4), [null, null]);
    assert.throws(() => zscore('close', 1), /'window'/);
  });
});
