import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { atr, rsi, trueRange } from '../kernel-lib/indicators';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData } from './helpers';

// StockCharts ChartSchool worked examples (QQQQ daily bars), from the spreadsheets published with
// the indicator pages: cs-rsi.xls (technical-indicators/relative-strength-index-rsi) and
// cs-atr.xls (technical-indicators/average-true-range-atr). Published with 4-6 decimals.
const RSI_CLOSE = [44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614, 46.282, 46.282, 46.0028,
  46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314];
const RSI_PUBLISHED = [70.5328, 66.3186, 66.5498, 69.4063, 66.3552, 57.9749, 62.9296, 63.2571, 56.0593, 62.3771, 54.7076, 50.4228, 39.9898, 41.4605, 41.8689,
  45.4632, 37.304, 33.0795, 37.773]; // rows 14..32
const ATR_HIGH = [48.7, 48.72, 48.9, 48.87, 48.82, 49.05, 49.2, 49.35, 49.92, 50.19, 50.12, 49.66, 49.88, 50.19, 50.36, 50.57, 50.65, 50.43, 49.63, 50.33, 50.29,
  50.17, 49.32, 48.5, 48.3201, 46.8, 47.8, 48.39, 48.66, 48.79];
const ATR_LOW = [47.79, 48.14, 48.39, 48.37, 48.24, 48.635, 48.94, 48.86, 49.5, 49.87, 49.2, 48.9, 49.43, 49.725, 49.26, 50.09, 50.3, 49.21, 48.98, 49.61, 49.2,
  49.43, 48.08, 47.64, 41.55, 44.2833, 47.31, 47.2, 47.9, 47.7301];
const ATR_CLOSE = [48.16, 48.61, 48.75, 48.63, 48.74, 49.03, 49.07, 49.32, 49.91, 50.13, 49.53, 49.5, 49.75, 50.03, 50.31, 50.52, 50.41, 49.34, 49.37, 50.23,
  49.2375, 49.93, 48.43, 48.18, 46.57, 45.41, 47.77, 47.72, 48.62, 47.85];
const TR_PUBLISHED = [0.91, 0.58, 0.51, 0.5, 0.58, 0.415, 0.26, 0.49, 0.6, 0.32, 0.93, 0.76, 0.45, 0.465, 1.1, 0.48, 0.35, 1.22, 0.65, 0.96, 1.09, 0.9325, 1.85,
  0.86, 6.7701, 2.5167, 2.39, 1.19, 0.94, 1.0599];
const ATR_PUBLISHED = [0.555, 0.593929, 0.585791, 0.568949, 0.615452, 0.61792, 0.642354, 0.674329, 0.69277, 0.775429, 0.78147, 1.209229, 1.30262, 1.38029,
  1.366698, 1.336219, 1.316482]; // rows 13..29

function bars(id: string, close: number[], high = close, low = close) {
  return { security_id: close.map(() => id), date: close.map((_, i) => 18_000 + i), close, high, low };
}

function frame(...parts: ReturnType<typeof bars>[]): pl.DataFrame {
  const cat = <K extends keyof ReturnType<typeof bars>>(k: K) => parts.flatMap((p) => p[k] as unknown[]);
  return pl.DataFrame({ security_id: cat('security_id'), date: pl.Series('date', cat('date') as number[]).cast(pl.Date), open: cat('close'), high: cat('high'), low: cat('low'), close: cat('close') });
}

async function column(df: pl.DataFrame, expr: pl.Expr): Promise<(number | null)[]> {
  return (await df.lazy().select(expr.alias('v')).collect()).getColumn('v').toArray() as (number | null)[];
}

/** Wilder's RSI written out: seed = mean of the first n changes, then (prev * (n-1) + x) / n. */
function rsiLoop(close: number[], n: number): (number | null)[] {
  const out: (number | null)[] = [null];
  let g = 0;
  let l = 0;
  for (let t = 1; t < close.length; t++) {
    const d = close[t] - close[t - 1];
    const gain = Math.max(d, 0);
    const loss = Math.max(-d, 0);
    if (t <= n) {
      g += gain / n;
      l += loss / n;
    } else {
      g = (g * (n - 1) + gain) / n;
      l = (l * (n - 1) + loss) / n;
    }
    out.push(t < n ? null : g + l === 0 ? 50 : 100 - 100 / (1 + g / l));
  }
  return out;
}

describe('indicators: rsi (Wilder)', () => {
  it('reproduces the StockCharts worked example, first value at row 14', async () => {
    const got = await column(frame(bars('QQQQ', RSI_CLOSE)), rsi('close', 14));
    assert.deepEqual(got.slice(0, 14), Array(14).fill(null));
    RSI_PUBLISHED.forEach((v, k) => assert.ok(Math.abs((got[14 + k] as number) - v) < 1e-3, `row ${14 + k}: ${got[14 + k]} vs ${v}`));
  });

  it('matches the recursion written out on GOOG closes', async function () {
    const raw = pl.readCSV(sharedData(this, 'GOOG.csv'));
    const close = [...(raw.getColumn('Close').cast(pl.Float64).toTypedArray() as Float64Array)];
    const got = await column(frame(bars('GOOG', close)), rsi('close', 14));
    const expected = rsiLoop(close, 14);
    expected.forEach((v, i) => (v === null ? assert.equal(got[i], null) : assert.ok(Math.abs((got[i] as number) - v) < 1e-9, `row ${i}`)));
  });

  it('is 100 when prices only rise, 0 when they only fall, 50 when flat', async () => {
    const up = Array.from({ length: 6 }, (_, i) => 10 + i);
    const df = frame(bars('UP', up), bars('DOWN', up.map((x) => 30 - x)), bars('FLAT', up.map(() => 7)));
    const got = await column(df, rsi('close', 3));
    assert.deepEqual(got, [null, null, null, 100, 100, 100, null, null, null, 0, 0, 0, null, null, null, 50, 50, 50]);
  });

  it('restarts for each security (the second starts with its own warm-up)', async () => {
    const got = await column(frame(bars('A', [1, 2, 3, 4]), bars('B', [4, 3, 2, 1])), rsi('close', 2));
    assert.deepEqual(got, [null, null, 100, 100, null, null, 0, 0]);
  });

  it('skips a missing price: its change and the next are null and the smoothing carries on', async () => {
    // Changes: -, 1, 1 (seed: G = 1, L = 0 -> 100), null, null, -1 -> G = 0.5, L = 0.5 -> 50.
    const df = pl.DataFrame({ security_id: Array(6).fill('A'), date: pl.Series('date', [1, 2, 3, 4, 5, 6]).cast(pl.Date), close: [1, 2, 3, null, 5, 4] });
    assert.deepEqual(await column(df, rsi('close', 2)), [null, null, 100, null, null, 50]);
  });

  it('rejects period 0 naming the parameter', () => {
    assert.throws(() => rsi('close', 0), (e: unknown) => e instanceof QuantbookError && /'period'/.test(e.message));
  });
});

describe('indicators: atr (Wilder)', () => {
  it('reproduces the StockCharts true range and ATR(14) worked example, first ATR at row 13', async () => {
    const df = frame(bars('QQQQ', ATR_CLOSE, ATR_HIGH, ATR_LOW));
    const tr = await column(df, trueRange());
    TR_PUBLISHED.forEach((v, i) => assert.ok(Math.abs((tr[i] as number) - v) < 1e-9, `TR row ${i}: ${tr[i]} vs ${v}`));
    const got = await column(df, atr(14));
    assert.deepEqual(got.slice(0, 13), Array(13).fill(null));
    ATR_PUBLISHED.forEach((v, k) => assert.ok(Math.abs((got[13 + k] as number) - v) < 1e-5, `ATR row ${13 + k}: ${got[13 + k]} vs ${v}`));
  });

  it('works a small case by hand and uses no close of another security', async () => {
    // A: TR = 2 (H-L), max(1, |5-3|=2, |4-3|=1) = 2, max(3, |9-5|=4, |6-5|=1) = 4.
    // ATR(2): row 1 = (2 + 2) / 2 = 2; row 2 = (2 * 1 + 4) / 2 = 3.
    // B's first TR is its own H-L (1), not |high - A's last close|.
    const df = frame(bars('A', [3, 5, 6], [4, 5, 9], [2, 4, 6]), bars('B', [100, 101], [100.5, 101], [99.5, 100]));
    assert.deepEqual(await column(df, trueRange()), [2, 2, 4, 1, 1]);
    assert.deepEqual(await column(df, atr(2)), [null, 2, 3, null, 1]);
  });
});
