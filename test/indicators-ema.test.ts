import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { ema, macd } from '../kernel-lib/indicators';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData } from './helpers';

function panel(series: Record<string, (number | null)[]>): pl.DataFrame {
  const ids: string[] = [];
  const days: number[] = [];
  const close: (number | null)[] = [];
  for (const [id, values] of Object.entries(series)) {
    values.forEach((v, i) => {
      ids.push(id);
      days.push(18_000 + i);
      close.push(v);
    });
  }
  return pl.DataFrame({ security_id: ids, date: pl.Series('date', days).cast(pl.Date), close });
}

async function column(frame: pl.DataFrame, expr: pl.Expr): Promise<(number | null)[]> {
  return (await frame.lazy().select(expr.alias('v')).collect()).getColumn('v').toArray() as (number | null)[];
}

/** GOOG.csv with the panel's column names. */
async function readGoog(path: string): Promise<pl.DataFrame> {
  const raw = pl.readCSV(path);
  return raw
    .rename({ [raw.columns[0]]: 'date', Open: 'open', High: 'high', Low: 'low', Close: 'close', Volume: 'volume' })
    .withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'), pl.lit('GOOG').alias('security_id'));
}

/** The recursion written out: y0 = x0, y = a x + (1 - a) y, null before minPeriods values. */
function emaLoop(x: number[], alpha: number, minPeriods: number): (number | null)[] {
  let y = NaN;
  return x.map((v, i) => {
    y = i === 0 ? v : alpha * v + (1 - alpha) * y;
    return i + 1 >= minPeriods ? y : null;
  });
}

describe('indicators: ema', () => {
  it('follows y = alpha x + (1 - alpha) y seeded with the first value; {span} means alpha = 2/(span+1) and span - 1 null rows', async () => {
    // span 3 -> alpha 0.5: 1, 1.5, 2.25, 3.125, 4.0625 (worked by hand).
    assert.deepEqual(await column(panel({ A: [1, 2, 3, 4, 5] }), ema('close', { span: 3 })), [null, null, 2.25, 3.125, 4.0625]);
  });

  it('uses the span (nodejs-polars ewmMean({span}) silently ignores it)', async () => {
    const x = Array.from({ length: 40 }, (_, i) => 100 + 10 * Math.sin(i / 3) + i);
    const got = await column(panel({ A: x }), ema('close', { span: 9 }));
    const expected = emaLoop(x, 0.2, 9);
    got.forEach((v, i) => (expected[i] === null ? assert.equal(v, null) : assert.ok(Math.abs((v as number) - (expected[i] as number)) < 1e-12, `row ${i}`)));
  });

  it('takes {alpha} with no warm-up unless minPeriods is given', async () => {
    assert.deepEqual(await column(panel({ A: [4, 8, 8] }), ema('close', { alpha: 0.25 })), [4, 5, 5.75]);
    assert.deepEqual(await column(panel({ A: [4, 8, 8] }), ema('close', { alpha: 0.25 }, { minPeriods: 2 })), [null, 5, 5.75]);
  });

  it('restarts for each security', async () => {
    assert.deepEqual(await column(panel({ A: [2, 4], B: [10, 20] }), ema('close', { alpha: 0.5 })), [2, 3, 10, 15]);
  });

  it('skips a null: its row is null and the state carries over', async () => {
    assert.deepEqual(await column(panel({ A: [1, null, 3] }), ema('close', { alpha: 0.5 })), [1, null, 2]);
  });

  it('rejects bad smoothing with BAD_PARAMETER naming the parameter', () => {
    const bad = (f: () => unknown, name: string) => assert.throws(f, (e: unknown) => e instanceof QuantbookError && e.code === 'BAD_PARAMETER' && e.message.includes(name));
    bad(() => ema('close', { span: 0 }), "'span'");
    bad(() => ema('close', { span: 2.5 }), "'span'");
    bad(() => ema('close', { alpha: 0 }), "'alpha'");
    bad(() => ema('close', { alpha: 1.5 }), "'alpha'");
    bad(() => ema('close', { span: 3, alpha: 0.5 } as never), "'smoothing'");
    bad(() => ema('close', {} as never), "'smoothing'");
  });
});

describe('indicators: macd', () => {
  it('is EMA(fast) - EMA(slow), its EMA(signal) and their difference, with the documented warm-up', async function () {
    const goog = await readGoog(sharedData(this, 'GOOG.csv'));
    const m = macd('close', { fast: 12, slow: 26, signal: 9 });
    const out = await goog.lazy().select(pl.col('close'), m.line, m.signal, m.histogram).collect();
    const close = [...(out.getColumn('close').toTypedArray() as Float64Array)];
    const fast = emaLoop(close, 2 / 13, 12);
    const slow = emaLoop(close, 2 / 27, 26);
    const line = close.map((_, i) => (slow[i] === null ? null : (fast[i] as number) - (slow[i] as number)));
    // The signal EMA starts at the first line value (row 25) and needs 9 of them.
    const lineValues = line.slice(25) as number[];
    const signal = [...Array(25).fill(null), ...emaLoop(lineValues, 0.2, 9)];
    const got = {
      line: out.getColumn('macd_close_12_26_9').toArray() as (number | null)[],
      signal: out.getColumn('macd_signal_close_12_26_9').toArray() as (number | null)[],
      hist: out.getColumn('macd_hist_close_12_26_9').toArray() as (number | null)[],
    };
    assert.equal(got.line.findIndex((v) => v !== null), 25);
    assert.equal(got.signal.findIndex((v) => v !== null), 33);
    for (let i = 0; i < close.length; i++) {
      if (line[i] === null) assert.equal(got.line[i], null);
      else assert.ok(Math.abs((got.line[i] as number) - (line[i] as number)) < 1e-9, `line row ${i}`);
      if (signal[i] === null) assert.equal(got.signal[i], null);
      else {
        assert.ok(Math.abs((got.signal[i] as number) - (signal[i] as number)) < 1e-9, `signal row ${i}`);
        assert.ok(Math.abs((got.hist[i] as number) - ((line[i] as number) - (signal[i] as number))) < 1e-9, `hist row ${i}`);
      }
    }
  });

  it('needs fast < slow', () => {
    assert.throws(() => macd('close', { fast: 26, slow: 12 }), /'fast' \(26\) must be smaller than 'slow' \(12\)/);
  });
});
