import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { DataCatalog, openSample } from '../kernel-lib/data/catalog';
import { importSnapshotDetailed } from '../kernel-lib/data/import-snapshot';
import { dtypeName } from '../kernel-lib/data/dtype';
import { QuantbookError } from '../kernel-lib/errors';
import { tempDir } from './helpers';

const iso = (d: unknown) => (d as unknown as Date).toISOString().slice(0, 10);

describe('data: DataCatalog and Snapshot (lazy frames with pushdown)', () => {
  const dir = tempDir('qb-catalog-');
  const root = join(dir, 'catalog');

  it("open('sample') gives the embedded sample when the catalog has none of that name", async () => {
    const catalog = new DataCatalog(root);
    const s = await catalog.open('sample');
    assert.equal(s.name, 'sp500-5yr');
    assert.equal(s.id, (await openSample()).id);
    assert.equal(s.manifest.securities, 505);
  });

  it('the default root is QUANTBOOK_CATALOG, else .quantbook/snapshots under the cwd', () => {
    const before = process.env.QUANTBOOK_CATALOG;
    try {
      process.env.QUANTBOOK_CATALOG = join(dir, 'from-env');
      assert.equal(new DataCatalog().root, join(dir, 'from-env'));
      delete process.env.QUANTBOOK_CATALOG;
      assert.equal(new DataCatalog().root, join(process.cwd(), '.quantbook', 'snapshots'));
    } finally {
      if (before === undefined) delete process.env.QUANTBOOK_CATALOG;
      else process.env.QUANTBOOK_CATALOG = before;
    }
  });

  it('date-range and security filters are pushed into the Parquet scan (optimized plan)', async () => {
    const s = await openSample();
    const plan = s.prices({ start: '2015-01-05', end: '2015-03-31', securities: ['AAPL', 'MSFT'], columns: ['close'] }).describeOptimizedPlan();
    const scan = plan.slice(plan.indexOf('Parquet SCAN'));
    assert.match(scan, /year=2015\/part-0\.parquet/);
    assert.doesNotMatch(plan, /year=201[3468]/, `other years are pruned:\n${plan}`);
    const selection = scan.split('\n').find((l) => l.includes('SELECTION')) ?? '';
    assert.match(selection, /col\("date"\) >= 2015-01-05/);
    assert.match(selection, /col\("date"\) <= 2015-03-31/);
    assert.match(selection, /security_id"\)\.is_in/);
    assert.match(scan, /PROJECT 4\/8 COLUMNS|PROJECT \*?4/);
  });

  it('prices(): filtered rows equal filtering the full table in JS, sorted by security then date', async () => {
    const s = await openSample();
    const got = await s.prices({ start: '2017-12-27', end: '2018-01-03', securities: ['AAPL', 'APTV', 'XOM'] }).collect();
    const all = await s.prices().collect();
    const expected = (await all.lazy().filter(pl.col('security_id').isIn(['AAPL', 'APTV', 'XOM'])).collect()).toRecords()
      .filter((r) => iso(r.date) >= '2017-12-27' && iso(r.date) <= '2018-01-03')
      .sort((a, b) => String(a.security_id).localeCompare(String(b.security_id)) || (a.date as unknown as Date).getTime() - (b.date as unknown as Date).getTime());
    assert.deepEqual(got.toRecords(), expected);
    assert.equal(got.height, 3 * 5, '2017-12-27, -28, -29, 2018-01-02, -03');
    assert.deepEqual(got.columns, ['date', 'security_id', 'open', 'high', 'low', 'close', 'volume']);
    assert.equal(dtypeName(got.schema.date), 'Date');
  });

  it('returns(): close / previous close - 1 within each security, no bleeding, start applied after the shift', async () => {
    const s = await openSample();
    const securities = ['AAL', 'AAPL'];
    const prices = (await s.prices({ securities, columns: ['close'], end: '2013-02-15' }).collect()).toRecords();
    const expected: Record<string, number | null> = {};
    for (const sec of securities) {
      const rows = prices.filter((r) => r.security_id === sec);
      rows.forEach((r, i) => (expected[`${sec} ${iso(r.date)}`] = i === 0 ? null : (r.close as number) / (rows[i - 1].close as number) - 1));
    }
    const got = (await s.returns({ securities, end: '2013-02-15' }).collect()).toRecords();
    assert.deepEqual(Object.fromEntries(got.map((r) => [`${r.security_id} ${iso(r.date)}`, r.ret])), expected);
    assert.equal(got.find((r) => r.security_id === 'AAPL' && iso(r.date) === '2013-02-08')?.ret, null, "AAPL's first return is not computed from AAL's last close");
    const later = (await s.returns({ securities: ['AAPL'], start: '2013-02-12', end: '2013-02-12' }).collect()).toRecords();
    assert.equal(later.length, 1);
    assert.equal(later[0].ret, expected['AAPL 2013-02-12'], 'the first row inside the range still uses the close before it');
  });

  it('groups(): sector labels for all 505 securities, with the 2017 fallback; calendar() has 1,259 dates', async () => {
    const s = await openSample();
    const groups = await s.groups().collect();
    assert.equal(groups.height, 505);
    assert.deepEqual(groups.columns, ['security_id', 'name', 'sector']);
    const sectors = new Set(groups.getColumn('sector').toArray());
    assert.equal(sectors.size, 11);
    assert.ok(![...sectors].includes(null as never), 'every security has a sector');
    const fallback = (await groups.lazy().filter(pl.col('security_id').isIn(['CBG', 'CHK', 'HCN', 'PCLN', 'PDCO', 'SIG', 'SNI'])).collect()).toRecords();
    assert.equal(fallback.length, 7);
    assert.deepEqual(fallback.find((r) => r.security_id === 'PCLN')?.sector, 'Consumer Discretionary');
    const calendar = await s.calendar();
    assert.equal(calendar.height, 1259);
    assert.deepEqual([iso(calendar.getColumn('date').head(1).toArray()[0]), iso(calendar.getColumn('date').tail(1).toArray()[0])], ['2013-02-08', '2018-02-07']);
    assert.equal((await s.calendar({ start: '2018-01-01' })).height, 26);
  });

  it('bad parameters name themselves', async () => {
    const s = await openSample();
    assert.throws(() => s.prices({ start: 'yesterday' }), (e: QuantbookError) => e.code === 'BAD_PARAMETER' && e.message.includes("'start'"));
    assert.throws(() => s.prices({ columns: ['adj_close'] }), (e: QuantbookError) => e.code === 'BAD_PARAMETER' && e.message.includes('adj_close'));
  });

  it('intraday snapshots: Datetime dates, partition pruning across a year boundary, a day as end includes the whole day', async () => {
    const hours = ['2016-12-31 22:00:00', '2016-12-31 23:00:00', '2017-01-01 00:00:00', '2017-01-01 01:00:00', '2017-01-02 23:00:00', '2017-01-03 00:00:00'];
    const csv = 'timestamp,symbol,close\n' + ['X', 'Y'].flatMap((s, k) => hours.map((h, i) => `${h},${s},${1 + i + k}`)).join('\n') + '\n';
    const source = join(dir, 'hourly.csv');
    writeFileSync(source, csv);
    const { manifest } = await importSnapshotDetailed({ source, name: 'hourly', root });
    assert.equal(manifest.frequency, 'intraday');
    assert.deepEqual(manifest.date_range, { start: '2016-12-31T22:00:00Z', end: '2017-01-03T00:00:00Z' });
    const s = await new DataCatalog(root).open('hourly');
    const lf = s.prices({ start: '2017-01-01', end: '2017-01-02', securities: ['X'] });
    assert.doesNotMatch(lf.describeOptimizedPlan(), /year=2016/);
    const got = await lf.collect();
    assert.match(dtypeName(got.schema.date), /^Datetime/);
    assert.deepEqual((got.getColumn('date').toArray() as unknown as Date[]).map((d) => d.toISOString()), ['2017-01-01T00:00:00.000Z', '2017-01-01T01:00:00.000Z', '2017-01-02T23:00:00.000Z']);
    const exact = await s.prices({ start: '2016-12-31T23:00:00Z', end: '2017-01-01T00:00:00Z', securities: ['Y'] }).collect();
    assert.deepEqual(exact.getColumn('close').toArray(), [3, 4]);
    const rets = await s.returns({ securities: ['X'], start: '2017-01-01' }).collect();
    assert.equal(rets.getColumn('ret').toArray()[0], 3 / 2 - 1);
  });

  it('verify(): the content hash recomputed from the sample files matches its manifest', async () => {
    const result = await (await openSample()).verify();
    assert.equal(result.actual, result.expected);
    assert.equal(result.ok, true);
  });
});
