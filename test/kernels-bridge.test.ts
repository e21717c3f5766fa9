import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { dtypeName } from '../kernel-lib/data/dtype';
import { toSecurityArrays, fromSecurityArrays, perSecurity, dayToIso, isoToDay } from '../kernel-lib/kernels/bridge';

describe('kernels: the polars <-> typed-array bridge', () => {
  const frame = pl.DataFrame({
    security_id: ['b', 'a', 'a', 'b', 'b'],
    date: ['2015-01-06', '2015-01-06', '2015-01-05', '2015-01-05', '2015-01-07'],
    close: [1, null, 3, 4, 5],
    sector: ['Tech', 'Energy', 'Energy', 'Tech', null],
  }).withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'));

  it('groups rows by security in time order, with offsets, NaN for nulls and Int32 days', async () => {
    const arrays = await toSecurityArrays(frame, { columns: ['close'], categories: ['sector'] });
    assert.deepEqual(arrays.securities, ['a', 'b']);
    assert.deepEqual([...arrays.offsets], [0, 2, 5]);
    assert.equal(arrays.timeUnit, 'day');
    assert.deepEqual([...arrays.time].map(dayToIso), ['2015-01-05', '2015-01-06', '2015-01-05', '2015-01-06', '2015-01-07']);
    assert.deepEqual([...arrays.columns.close], [3, NaN, 4, 1, 5]);
    assert.deepEqual(arrays.categories.sector.labels, ['Energy', 'Tech']);
    assert.deepEqual([...arrays.categories.sector.codes], [0, 0, 1, 1, -1]);
  });

  it('comes back into polars in the same row order', async () => {
    const arrays = await toSecurityArrays(frame.lazy(), { columns: ['close'] });
    const back = fromSecurityArrays(arrays, { doubled: arrays.columns.close.map((x) => 2 * x) });
    assert.deepEqual(back.getColumn('security_id').toArray(), ['a', 'a', 'b', 'b', 'b']);
    assert.equal(dtypeName(back.getColumn('date').dtype), 'Date');
    assert.deepEqual([...(back.getColumn('doubled').toTypedArray() as Float64Array)], [6, NaN, 8, 2, 10]);
  });

  it('runs a kernel per security without bleeding state across securities', async () => {
    const arrays = await toSecurityArrays(frame, { columns: ['close'] });
    const cumulativeCount = perSecurity(arrays, ['close'], ([, ], out) => {
      for (let i = 0; i < out.length; i++) out[i] = i + 1;
    });
    assert.deepEqual([...cumulativeCount], [1, 2, 1, 2, 3]);
  });

  it('names a missing column', async () => {
    await assert.rejects(toSecurityArrays(frame, { columns: ['volume'] }), /column 'volume' is not in the frame/);
  });

  it('converts days both ways', () => {
    assert.equal(isoToDay('1970-01-02'), 1);
    assert.equal(dayToIso(isoToDay('2018-02-07')), '2018-02-07');
  });
});
