import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { parseDateColumn, parseNumberColumn, readTable } from '../kernel-lib/data/read-table';
import { dtypeName } from '../kernel-lib/data/dtype';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData, tempDir } from './helpers';

async function rejectsWith(promise: Promise<unknown>, code: string, ...mentions: (string | RegExp)[]): Promise<QuantbookError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof QuantbookError, `expected a QuantbookError, got ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.match(e.message + ' ' + (e.hint ?? ''), typeof m === 'string' ? new RegExp(m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) : m);
    return e;
  }
  assert.fail(`expected QuantbookError ${code}`);
}

function days(frame: pl.DataFrame, column: string): string[] {
  return (frame.getColumn(column).toArray() as unknown as (Date | null)[]).map((d) => (d ? d.toISOString().slice(0, 10) : 'null'));
}

describe('data: readTable and the column parsers', () => {
  const dir = tempDir('qb-read-table-');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  describe('bad inputs from ../shared/data/bad-inputs', () => {
    it('empty.csv: zero bytes', async function () {
      await rejectsWith(readTable(sharedData(this, 'bad-inputs/empty.csv')), 'EMPTY_FILE', 'empty.csv', '0 bytes');
    });
    it('header_only.csv: a header and no rows', async function () {
      await rejectsWith(readTable(sharedData(this, 'bad-inputs/header_only.csv')), 'NO_ROWS', 'header_only.csv', 'security_id, date_sig, date_avail, signal');
    });
    it('ambiguous_date_format.csv: names the column, an example row and the ISO fix', async function () {
      const t = await readTable(sharedData(this, 'bad-inputs/ambiguous_date_format.csv'));
      const e = await rejectsWith(parseDateColumn(t.frame, 'date_sig', { file: t.path }), 'AMBIGUOUS_DATE_FORMAT', "'date_sig'", '05/01/2015', 'data row 1', 'line 2', 'YYYY-MM-DD');
      assert.match(e.message, /2015-01-05/);
      assert.match(e.message, /2015-05-01/);
    });
    it("text_signal.csv: a word where a number belongs names column, row and value", async function () {
      const t = await readTable(sharedData(this, 'bad-inputs/text_signal.csv'));
      await rejectsWith(parseNumberColumn(t.frame, 'signal', { file: t.path }), 'NOT_A_NUMBER', "'signal'", "'high'", 'data row 1', 'text_signal.csv');
    });
    it("non_finite.csv: text 'NaN' and 'inf' are reported; the empty cell is a missing value", async function () {
      const t = await readTable(sharedData(this, 'bad-inputs/non_finite.csv'));
      const e = await rejectsWith(parseNumberColumn(t.frame, 'signal', { file: t.path }), 'NON_FINITE', "'NaN'", 'data row 1', '2 such values');
      assert.deepEqual(e.details?.rows, [1, 2]);
      const kept = await parseNumberColumn(t.frame, 'signal', { file: t.path, allowNonFinite: true });
      const values = kept.getColumn('signal').toArray();
      assert.ok(Number.isNaN(values[0]));
      assert.equal(values[1], Infinity);
      assert.equal(values[2], null);
    });
    it('every other bad-input CSV reads (its problem is for the validators), with text columns', async function () {
      for (const f of ['duplicate_key.csv', 'avail_before_sig.csv', 'missing_date_avail.csv', 'prices_unsorted_dup.csv', 'prices_nonpositive_high_below_low.csv']) {
        const t = await readTable(sharedData(this, `bad-inputs/${f}`));
        assert.ok(t.rowCount > 0, f);
        assert.ok(t.frame.dtypes.every((d) => dtypeName(d) === 'String'), `${f} is all text`);
      }
    });
  });

  describe('files and formats', () => {
    it('a missing file, an unsupported extension and a ragged CSV', async () => {
      await rejectsWith(readTable(join(dir, 'nope.csv'), { what: 'price file' }), 'FILE_NOT_FOUND', 'price file', 'nope.csv');
      await rejectsWith(readTable(write('x.xlsx', 'PK')), 'UNSUPPORTED_FORMAT', "'.xlsx'");
      await rejectsWith(readTable(write('ragged.csv', 'a,b\n1,2\n3,4,5\n')), 'UNREADABLE_FILE', 'ragged.csv', 'as many comma-separated cells');
    });

    it('reads every CSV column as text, so leading zeros and codes survive', async () => {
      const t = await readTable(write('codes.csv', 'security_id,date,x\n007,2015-01-05,1.50\n'));
      assert.deepEqual(t.frame.toRecords(), [{ security_id: '007', date: '2015-01-05', x: '1.50' }]);
      assert.equal(t.format, 'csv');
      assert.equal(t.rowCount, 1);
    });

    it('an unnamed first column (pandas index) becomes the date column; a BOM and padded names are cleaned', async () => {
      const t = await readTable(write('goog-like.csv', ',Open,Close\n2004-08-19,100,100.34\n'));
      assert.deepEqual(t.frame.columns, ['date', 'Open', 'Close']);
      assert.equal(t.renamedIndexColumn, 'date');
      const b = await readTable(write('bom.csv', '\uFEFFdate , close\n2015-01-05,1\n'));
      assert.deepEqual(b.frame.columns, ['date', 'close']);
    });

    it('reads a Parquet file and a hive-partitioned folder of Parquet files', async () => {
      const frame = pl.DataFrame({ security_id: ['A', 'B', 'A'], close: [1, 2, 3], y: [2015, 2015, 2016] });
      frame.writeParquet(join(dir, 'one.parquet'));
      const one = await readTable(join(dir, 'one.parquet'));
      assert.equal(one.format, 'parquet');
      assert.equal(dtypeName(one.frame.schema.close), 'Float64');
      for (const year of [2015, 2016]) {
        mkdirSync(join(dir, 'hive', `year=${year}`), { recursive: true });
        frame.filter(pl.col('y').eq(year)).drop('y').writeParquet(join(dir, 'hive', `year=${year}`, 'part-0.parquet'));
      }
      const hive = await readTable(join(dir, 'hive'));
      assert.equal(hive.rowCount, 3);
      assert.ok(hive.frame.columns.includes('year'));
      mkdirSync(join(dir, 'nothing'));
      await rejectsWith(readTable(join(dir, 'nothing')), 'NO_PARQUET_FILES');
    });
  });

  describe('parseDateColumn', () => {
    const frame = (values: (string | null)[]) => pl.DataFrame({ d: pl.Series('d', values, pl.Utf8) });

    it('ISO days -> pl.Date; empty cells stay null', async () => {
      const out = await parseDateColumn(frame(['2015-01-05', null, ' 2016-02-29 ']), 'd');
      assert.equal(dtypeName(out.schema.d), 'Date');
      assert.deepEqual(days(out, 'd'), ['2015-01-05', 'null', '2016-02-29']);
    });

    it("timestamps -> Datetime('ms', UTC), with or without seconds, 'T' or 'Z'", async () => {
      const out = await parseDateColumn(frame(['2017-04-19 09:00:00', '2017-04-19T10:30', '2017-04-19 11:00:00.250Z', '2017-04-20']), 'd');
      assert.match(dtypeName(out.schema.d), /^Datetime\((ms|Milliseconds).*UTC/);
      const ms = (out.getColumn('d').toArray() as unknown as Date[]).map((d) => d.getTime());
      assert.deepEqual(ms, [Date.UTC(2017, 3, 19, 9), Date.UTC(2017, 3, 19, 10, 30), Date.UTC(2017, 3, 19, 11, 0, 0, 250), Date.UTC(2017, 3, 20)]);
    });

    it('slash dates: a part above 12 settles the order for the whole column', async () => {
      assert.deepEqual(days(await parseDateColumn(frame(['05/01/2015', '13/01/2015']), 'd'), 'd'), ['2015-01-05', '2015-01-13']);
      assert.deepEqual(days(await parseDateColumn(frame(['05/01/2015', '01/13/2015']), 'd'), 'd'), ['2015-05-01', '2015-01-13']);
      assert.deepEqual(days(await parseDateColumn(frame(['2015/01/05']), 'd'), 'd'), ['2015-01-05']);
      assert.deepEqual(days(await parseDateColumn(frame(['20150105']), 'd'), 'd'), ['2015-01-05']);
      assert.deepEqual(days(await parseDateColumn(frame(['05/01/2015']), 'd', { slashOrder: 'day-first' }), 'd'), ['2015-01-05']);
    });

    it('ambiguous, mixed, unknown and impossible dates are errors naming the row', async () => {
      await rejectsWith(parseDateColumn(frame(['01/01/2015', '02/03/2015']), 'd', { file: 'x.csv' }), 'AMBIGUOUS_DATE_FORMAT', "'02/03/2015'", 'data row 2');
      await rejectsWith(parseDateColumn(frame(['13/01/2015', '01/13/2015']), 'd'), 'MIXED_DATE_FORMATS', 'day-first', 'month-first');
      await rejectsWith(parseDateColumn(frame(['2015-01-05', '05/01/2015']), 'd'), 'MIXED_DATE_FORMATS', 'YYYY-MM-DD');
      await rejectsWith(parseDateColumn(frame(['2015-01-05', 'soon']), 'd', { file: 'x.csv' }), 'BAD_DATE', "'soon'", 'data row 2', 'line 3');
      await rejectsWith(parseDateColumn(frame(['2015-01-05', '2015-02-30']), 'd', { file: 'x.parquet' }), 'BAD_DATE', "'2015-02-30'", 'row 2', 'not a valid calendar date');
      // Regression: Series.sum() of a Boolean column returns a parity bit in nodejs-polars 0.26, which hid an even count.
      await rejectsWith(parseDateColumn(frame(['2015-02-30', '2015-02-31']), 'd'), 'BAD_DATE', '2 such values');
    });

    it('rowColumn reports the file row of a reordered frame', async () => {
      const f = pl.DataFrame({ row: [7, 3], d: ['bad', '2015-01-05'] });
      await rejectsWith(parseDateColumn(f, 'd', { rowColumn: 'row', file: 'x.csv' }), 'BAD_DATE', 'data row 7');
    });

    it('a missing column lists the columns that exist', async () => {
      await rejectsWith(parseDateColumn(frame(['2015-01-05']), 'date', { file: 'x.csv' }), 'MISSING_COLUMN', "'date'", "'d'");
    });
  });

  describe('parseNumberColumn', () => {
    it('trims, reads exponents and signs, keeps empty cells null', async () => {
      const f = pl.DataFrame({ x: pl.Series('x', [' 1.5', '-2e-3', null, '', '+4'], pl.Utf8) });
      const out = await parseNumberColumn(f, 'x');
      assert.equal(dtypeName(out.schema.x), 'Float64');
      assert.deepEqual(out.getColumn('x').toArray(), [1.5, -0.002, null, null, 4]);
    });
    it('counts every bad value and lists the first rows', async () => {
      const f = pl.DataFrame({ x: ['1', 'n/a', '2', '1,5'] });
      const e = await rejectsWith(parseNumberColumn(f, 'x', { file: 'p.csv' }), 'NOT_A_NUMBER', "'n/a'", 'data row 2', '2 such values', 'rows: 2, 4');
      assert.deepEqual(e.details?.values, ['n/a', '1,5']);
    });
    it('numeric columns pass through; float NaN is caught unless allowed', async () => {
      const f = pl.DataFrame({ x: [1, NaN, 3] });
      await rejectsWith(parseNumberColumn(f, 'x'), 'NON_FINITE', 'row 2');
      const ints = pl.DataFrame({ x: pl.Series('x', [1, 2], pl.Int64) });
      assert.equal(dtypeName((await parseNumberColumn(ints, 'x')).schema.x), 'Float64');
    });
  });

  describe('real files', () => {
    it('GOOG.csv: unnamed date column, daily dates, 2,148 rows', async function () {
      const t = await readTable(sharedData(this, 'GOOG.csv'));
      assert.equal(t.rowCount, 2148);
      assert.equal(t.renamedIndexColumn, 'date');
      const out = await parseDateColumn(t.frame, 'date', { file: t.path });
      assert.equal(dtypeName(out.schema.date), 'Date');
      assert.deepEqual(days(out, 'date').slice(0, 1), ['2004-08-19']);
    });
    it('EURUSD.csv: hourly timestamps become Datetime ms UTC', async function () {
      const t = await readTable(sharedData(this, 'EURUSD.csv'));
      const out = await parseDateColumn(t.frame, 'date', { file: t.path });
      assert.match(dtypeName(out.schema.date), /^Datetime/);
      assert.equal((out.getColumn('date').head(1).toArray()[0] as unknown as Date).toISOString(), '2017-04-19T09:00:00.000Z');
      assert.equal(t.rowCount, 5000);
    });
  });
});
