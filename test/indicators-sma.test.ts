import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { sma } from '../kernel-lib/indicators';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData } from './helpers';

/** A long panel: one security per key, consecutive dates, the values as `close`. */
function panel(series: Record<string, (number | null)[]>): pl.DataFrame {
  const ids: string[] = [];
  const dates: Date[] = [];
  const close: (number | null)[] = [];
  for (const [id, values] of Object.entries(series)) {
    values.forEach((v, i) => {
      ids.push(id);
      dates.push(new Date(Date.UTC(2020, 0, 1 + i)));
      close.push(v);
    });
  }
  return pl.DataFrame({ security_id: ids, date: dates, close }).withColumns(pl.col('date').cast(pl.Date));
}

async function column(frame: pl.DataFrame, expr: pl.Expr): Promise<(number | null)[]> {
  const out = await frame.lazy().select(expr.alias('v')).collect();
  return out.getColumn('v').toArray() as (number | null)[];
}

/** GOOG.csv with the panel's column names. */
async function readGoog(path: string): Promise<pl.DataFrame> {
  const raw = pl.readCSV(path);
  return raw
    .rename({ [raw.columns[0]]: 'date', Open: 'open', High: 'high', Low: 'low', Close: 'close', Volume: 'volume' })
    .withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'), pl.lit('GOOG').alias('security_id'));
}

describe('indicators: sma', () => {
  it('averages the last `window` values, current bar included, with null warm-up', async () => {
    assert.deepEqual(await column(panel({ A: [1, 2, 3, 4, 5] }), sma('close', 3)), [null, null, 2, 3, 4]);
  });

  it('never bleeds across securities (two securities back to back)', async () => {
    const frame = panel({ A: [1, 2, 3], B: [10, 20, 30] });
    // B's first row would be (3 + 10) / 2 = 6.5 if the window crossed the boundary.
    assert.deepEqual(await column(frame, sma('close', 2)), [null, 1.5, 2.5, null, 15, 25]);
  });

  it('gives null for every window that holds a null', async () => {
    assert.deepEqual(await column(panel({ A: [1, null, 3, 4, 5] }), sma('close', 2)), [null, null, null, 3.5, 4.5]);
  });

  it('names its output sma_<column>_<window>', async () => {
    const out = await panel({ A: [1, 2] }).lazy().withColumns(sma('close', 2)).collect();
    assert.ok(out.columns.includes('sma_close_2'));
  });

  it('returns the price itself for a window of equal decimal prices', async () => {
    // A running float sum carries the earlier, different prices' rounding into this window.
    const values = [101.37, 250.11, 377.9, 412.06, 489.24, 489.24, 489.24, 489.24, 489.24];
    const out = await column(panel({ A: values }), sma('close', 5));
    assert.equal(out[8], 489.24);
  });

  it('is the correctly rounded mean for decimal data: equal means of different windows are equal', async () => {
    // SMA(2) of (0.1, 0.2) and SMA(4) of (0.3, 0.0, 0.1, 0.2) are both 0.15 exactly.
    const out = await panel({ A: [0.3, 0.0, 0.1, 0.2] }).lazy().select(sma('close', 2), sma('close', 4)).collect();
    assert.equal(out.getColumn('sma_close_2').get(3), out.getColumn('sma_close_4').get(3));
    assert.equal(out.getColumn('sma_close_4').get(3), 0.15);
  });

  it('falls back to a float rolling mean for non-decimal data, NaN and huge values', async () => {
    const irrational = Array.from({ length: 30 }, (_, i) => Math.PI * (i + 1) + Math.sqrt(i));
    const withNaN = [1.5, NaN, 2.5, 3.5, 4.5];
    const huge = [1e12 + 0.5, 2e12, 3e12, 4e12];
    const got = await column(panel({ A: irrational }), sma('close', 7));
    for (let i = 6; i < irrational.length; i++) {
      const expected = irrational.slice(i - 6, i + 1).reduce((a, b) => a + b, 0) / 7;
      assert.ok(Math.abs((got[i] as number) - expected) < 1e-12 * expected, `row ${i}`);
    }
    const nan = await column(panel({ A: withNaN }), sma('close', 2));
    assert.ok(Number.isNaN(nan[1]) && Number.isNaN(nan[2]));
    assert.deepEqual(nan.slice(3), [3, 4]);
    assert.deepEqual((await column(panel({ A: huge }), sma('close', 2))).slice(1), [1.5e12 + 0.25, 2.5e12, 3.5e12]);
  });

  for (const bad of [0, -3, 2.5, NaN, '5' as unknown as number]) {
    it(`rejects window ${String(bad)} with a BAD_PARAMETER naming 'window'`, () => {
      assert.throws(() => sma('close', bad), (e: unknown) => e instanceof QuantbookError && e.code === 'BAD_PARAMETER' && /'window'/.test(e.message));
    });
  }

  describe('on real GOOG closes (exact ties must stay ties)', () => {
    const windows = [2, 4, 5, 6, 8, 10, 11, 12, 22, 24, 25, 26, 32, 117];
    let goog: pl.DataFrame;
    let means: Record<number, Float64Array>;
    let cents: number[];
    let dates: string[];
    before(async function () {
      goog = await readGoog(sharedData(this, 'GOOG.csv'));
      const out = await goog.lazy().select(pl.col('date').cast(pl.Utf8), ...windows.map((w) => sma('close', w).fillNull(pl.lit(NaN)))).collect();
      means = Object.fromEntries(windows.map((w) => [w, out.getColumn(`sma_close_${w}`).toTypedArray() as Float64Array]));
      dates = out.getColumn('date').toArray() as string[];
      // Independent exact arithmetic: GOOG closes have at most 2 decimals, so integer cents.
      const text = (await goog.lazy().select(pl.col('close').cast(pl.Utf8)).collect()).getColumn('close').toArray() as string[];
      cents = text.map((s) => {
        const [whole, frac = ''] = s.split('.');
        assert.ok(frac.length <= 2, `close ${s} has more than 2 decimals`);
        return Number(BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2)));
      });
    });

    /** Exact sign of SMA(f) - SMA(s) at row i, by integer cross-multiplication. */
    function exactOrder(f: number, s: number, i: number): number {
      let cf = 0;
      let cs = 0;
      for (let j = i - f + 1; j <= i; j++) cf += cents[j];
      for (let j = i - s + 1; j <= i; j++) cs += cents[j];
      return Math.sign(cf * s - cs * f);
    }

    it('keeps the SMA(5) = SMA(25) tie of 2010-08-17 that a naive running sum breaks', () => {
      const i = dates.indexOf('2010-08-17');
      assert.equal(exactOrder(5, 25, i), 0, 'the tie is real');
      assert.equal(means[5][i], means[25][i]);
      assert.equal(means[5][i], 489.242);
      // The trap this guards against: the running float sum of the issue, written out.
      const close = cents.map((c) => c / 100);
      const naive = (w: number) => {
        let s = 0;
        for (let j = 0; j <= i; j++) {
          s += close[j];
          if (j >= w) s -= close[j - w];
        }
        return s / w;
      };
      assert.notEqual(naive(5), naive(25));
    });

    it('keeps all nine exact ties of fast/slow windows up to 200 and orders every other pair exactly', () => {
      const ties = [[2, 4, '2006-10-03'], [5, 8, '2005-12-29'], [5, 25, '2010-08-17'], [6, 117, '2006-07-31'], [10, 12, '2009-10-08'],
        [10, 22, '2006-09-05'], [11, 12, '2006-09-07'], [12, 26, '2007-05-29'], [24, 32, '2005-04-15']] as const;
      for (const [f, s, date] of ties) {
        const i = dates.indexOf(date);
        assert.equal(exactOrder(f, s, i), 0, `${date}: SMA(${f}) = SMA(${s}) exactly`);
        assert.equal(means[f][i], means[s][i], `${date}: SMA(${f}) vs SMA(${s})`);
      }
      let compared = 0;
      for (const f of windows) for (const s of windows) {
        if (f >= s) continue;
        for (let i = s - 1; i < cents.length; i++) {
          assert.equal(Math.sign(means[f][i] - means[s][i]), exactOrder(f, s, i), `${dates[i]} SMA(${f}) vs SMA(${s})`);
          compared++;
        }
      }
      assert.ok(compared > 150_000);
    });
  });
});
