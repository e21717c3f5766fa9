import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { dtypeName } from '../kernel-lib/data/dtype';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData, tempDir } from './helpers';

async function rejects(promise: Promise<unknown>, code: string, ...mentions: string[]): Promise<QuantbookError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof QuantbookError, `expected a QuantbookError, got ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok((e.message + ' ' + (e.hint ?? '')).includes(m), `'${m}' not in: ${e.message} | ${e.hint}`);
    return e;
  }
  assert.fail(`expected QuantbookError ${code}`);
}

const iso = (d: unknown) => (d as unknown as Date).toISOString().slice(0, 10);

describe('data: loadPriceFile (layouts, validation, reporting)', () => {
  const dir = tempDir('qb-load-prices-');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  describe('layouts (hand-written files)', () => {
    it('long: case-insensitive names, sorted by security then date, panel dtypes', async () => {
      const p = await loadPriceFile(write('long.csv', 'Date,TICKER,Close,Open,High,Low,Volume\n2015-01-06,BBB,2,2,2,2,10\n2015-01-05,BBB,1,1,1,1,10\n2015-01-05,AAA,5,5,5,5,\n'));
      assert.equal(p.layout, 'long');
      assert.deepEqual(p.prices.columns, ['date', 'security_id', 'open', 'high', 'low', 'close', 'volume']);
      assert.deepEqual(p.prices.dtypes.map(dtypeName), ['Date', 'String', 'Float64', 'Float64', 'Float64', 'Float64', 'Float64']);
      assert.deepEqual(p.prices.toRecords().map((r) => `${r.security_id} ${iso(r.date)} ${r.close}`), ['AAA 2015-01-05 5', 'BBB 2015-01-05 1', 'BBB 2015-01-06 2']);
      assert.equal(p.report.missing_values.volume, 1, 'the empty volume cell is reported');
    });

    it('single security: id from the file name or the symbol option; fields it lacks are empty and counted', async () => {
      const path = write('XYZ.csv', ',Close\n2015-01-05,10\n2015-01-06,11\n');
      const p = await loadPriceFile(path);
      assert.equal(p.layout, 'single');
      assert.deepEqual(p.prices.getColumn('security_id').toArray(), ['XYZ', 'XYZ']);
      assert.equal(p.report.missing_values.open, 2);
      assert.equal(dtypeName(p.prices.schema.open), 'Float64');
      const named = await loadPriceFile(path, { symbol: 'ABC' });
      assert.deepEqual(named.prices.getColumn('security_id').toArray(), ['ABC', 'ABC']);
    });

    it('wide: one close column per security; empty cells are absent bars, counted', async () => {
      const p = await loadPriceFile(write('wide.csv', 'date,AAA,BBB\n2015-01-05,1,\n2015-01-06,2,20\n'));
      assert.equal(p.layout, 'wide');
      assert.equal(p.prices.height, 3);
      assert.equal(p.report.empty_wide_cells, 1);
      assert.deepEqual(p.prices.toRecords().map((r) => `${r.security_id} ${iso(r.date)} ${r.close} ${r.open}`), ['AAA 2015-01-05 1 null', 'AAA 2015-01-06 2 null', 'BBB 2015-01-06 20 null']);
      const forced = await loadPriceFile(write('close-named.csv', 'date,close,other\n2015-01-05,1,2\n'), { layout: 'wide' });
      assert.deepEqual(forced.prices.getColumn('security_id').toArray().sort(), ['close', 'other']);
    });

    it('a separate time-of-day column is joined to the date (intraday)', async () => {
      const p = await loadPriceFile(write('EURGBP.csv', 'Date,Time,Open,High,Low,Close\n2017-04-19,09:00,1,2,0.5,1.5\n2017-04-19,10:00,1.5,2,1,1.8\n'));
      assert.equal(p.frequency, 'intraday');
      assert.match(dtypeName(p.prices.schema.date), /^Datetime/);
      assert.deepEqual((p.prices.getColumn('date').toArray() as unknown as Date[]).map((d) => d.toISOString()), ['2017-04-19T09:00:00.000Z', '2017-04-19T10:00:00.000Z']);
    });

    it('unused columns are reported, not silently dropped', async () => {
      const p = await loadPriceFile(write('adj.csv', 'date,symbol,close,adj close\n2015-01-05,A,1,0.9\n'));
      assert.deepEqual(p.report.ignored_columns, ['adj close']);
    });

    it('names what is missing: no date column, no close column', async () => {
      await rejects(loadPriceFile(write('nodate.csv', 'symbol,close\nA,1\n')), 'MISSING_COLUMN', 'no date column');
      await rejects(loadPriceFile(write('noclose.csv', 'date,symbol,open\n2015-01-05,A,1\n')), 'MISSING_COLUMN', 'no close column', '--layout wide');
    });
  });

  describe('validation', () => {
    it('conflicting duplicate (date, security) rows are an error naming the rows; drop removes them all', async () => {
      const path = write('conflict.csv', 'date,symbol,close\n2015-01-05,A,1\n2015-01-05,A,2\n2015-01-06,A,3\n');
      await rejects(loadPriceFile(path), 'INVALID_PRICES', '2 rows that share a (security, date) with different values', 'data row 1', 'data row 2');
      const dropped = await loadPriceFile(path, { invalid: 'drop' });
      assert.equal(dropped.prices.height, 1);
      assert.equal(dropped.report.invalid_bars.conflicting_duplicate, 2);
    });

    it('an unparseable price names column, row and value; an empty date is an error', async () => {
      await rejects(loadPriceFile(write('word.csv', 'date,symbol,close\n2015-01-05,A,1\n2015-01-06,A,high\n')), 'NOT_A_NUMBER', "'close'", "'high'", 'data row 2', 'line 3');
      await rejects(loadPriceFile(write('nan.csv', 'date,symbol,close\n2015-01-05,A,NaN\n')), 'NON_FINITE', "'NaN'");
      await rejects(loadPriceFile(write('nodate-cell.csv', 'date,symbol,close\n,A,1\n')), 'MISSING_DATE', 'data row 1');
    });

    it('negative volume is invalid; blank empties just that field', async () => {
      const path = write('vol.csv', 'date,symbol,close,volume\n2015-01-05,A,1,-5\n');
      await rejects(loadPriceFile(path), 'INVALID_PRICES', 'negative volume');
      const blank = await loadPriceFile(path, { invalid: 'blank' });
      assert.deepEqual(blank.prices.toRecords().map((r) => [r.close, r.volume]), [[1, null]]);
    });
  });

  describe('bad inputs from ../shared/data/bad-inputs', () => {
    it('prices_unsorted_dup.csv: sorted, the exact duplicate bar dropped and counted', async function () {
      const p = await loadPriceFile(sharedData(this, 'bad-inputs/prices_unsorted_dup.csv'));
      assert.equal(p.report.rows_read, 3);
      assert.equal(p.report.exact_duplicate_rows_dropped, 1);
      assert.deepEqual(p.prices.toRecords().map((r) => `${iso(r.date)} ${r.close}`), ['2015-01-05 10.2', '2015-01-06 10.5']);
    });

    it('prices_nonpositive_high_below_low.csv: every rule named with its rows; drop and blank modes count them', async function () {
      const path = sharedData(this, 'bad-inputs/prices_nonpositive_high_below_low.csv');
      const e = await rejects(loadPriceFile(path), 'INVALID_PRICES', '2 bars with a zero or negative', 'close=0', 'close=-3', '1 bars with high below low', 'high=9 low=11', 'data row 3', '--invalid');
      assert.deepEqual(e.details?.counts, { non_positive_price: 2, high_below_low: 1, negative_volume: 0, conflicting_duplicate: 0 });
      const dropped = await loadPriceFile(path, { invalid: 'drop' });
      assert.equal(dropped.prices.height, 0);
      assert.equal(dropped.report.invalid_bars.non_positive_price, 2);
      const blank = await loadPriceFile(path, { invalid: 'blank' });
      assert.deepEqual(blank.prices.toRecords().map((r) => [r.high, r.low, r.close]), [[11, 9, null], [11, 9, null], [null, null, 10]]);
    });
  });

  describe('real files from ../shared/data', () => {
    it('GOOG.csv: unnamed date column, single security GOOG, 2,148 daily bars', async function () {
      const p = await loadPriceFile(sharedData(this, 'GOOG.csv'));
      assert.equal(p.layout, 'single');
      assert.equal(p.frequency, 'daily');
      assert.equal(p.prices.height, 2148);
      const first = p.prices.head(1).toRecords()[0];
      assert.deepEqual([iso(first.date), first.security_id, first.open, first.high, first.low, first.close, first.volume], ['2004-08-19', 'GOOG', 100, 104.06, 95.96, 100.34, 22351900]);
    });

    it('EURUSD.csv: hourly timestamps -> Datetime ms UTC, security EURUSD', async function () {
      const p = await loadPriceFile(sharedData(this, 'EURUSD.csv'));
      assert.equal(p.frequency, 'intraday');
      assert.equal(p.prices.height, 5000);
      assert.equal((p.prices.getColumn('date').tail(1).toArray()[0] as unknown as Date).toISOString(), '2018-02-07T15:00:00.000Z');
    });

    it('stock_prices.csv (wide): late listings keep only their real closes', async function () {
      const p = await loadPriceFile(sharedData(this, 'stock_prices.csv'));
      assert.equal(p.layout, 'wide');
      const counts = Object.fromEntries(
        (await p.prices.lazy().groupBy('security_id').len().collect()).toRecords().map((r) => [r.security_id, Number(r.len ?? r.count)]),
      );
      assert.equal(counts.BABA, 896);
      assert.equal(counts.FB, 1483);
      assert.equal(counts.AAPL, 7126);
      assert.equal(p.report.empty_wide_cells, 20 * 7126 - p.prices.height);
    });

    it('all_stocks_5yr.csv: the real high-below-low bar (AOS 2014-05-19) is found; blank keeps its close', async function () {
      this.timeout(60_000);
      const path = sharedData(this, 'all_stocks_5yr.csv');
      await rejects(loadPriceFile(path), 'INVALID_PRICES', '1 bars with high below low', 'AOS 2014-05-19', 'data row 53003');
      const p = await loadPriceFile(path, { invalid: 'blank' });
      assert.equal(p.prices.height, 619040);
      assert.deepEqual(p.report.missing_values, { open: 11, high: 9, low: 9, close: 0, volume: 0 }, '11 empty opens and 8 empty highs/lows in the file, plus the blanked bar');
      const aos = (await p.prices.lazy().filter(pl.col('security_id').eq(pl.lit('AOS'))).collect()).toRecords().find((r) => iso(r.date) === '2014-05-19');
      assert.deepEqual([aos?.high, aos?.low, aos?.close], [null, null, 24.445]);
    });
  });
});
