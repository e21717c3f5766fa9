import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataCatalog } from '../kernel-lib/data/catalog';
import { importSnapshotDetailed } from '../kernel-lib/data/import-snapshot';
import { parseManifest } from '../kernel-lib/data/manifest';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData, tempDir } from './helpers';

/**
 * A hand-made panel with the cases the quality section must find:
 * A trades every calendar day; B lists late (2016-01-04); C has a gap (2015-12-31 missing)
 * and ends early (2016-01-04); D jumps +100% on 2016-01-05 (an unadjusted split-like move).
 */
const DAYS = ['2015-12-30', '2015-12-31', '2016-01-04', '2016-01-05', '2016-01-06'];
const ROWS: [string, string, number][] = [
  ...DAYS.map((d, i): [string, string, number] => [d, 'A', 10 + i]),
  ['2016-01-04', 'B', 20], ['2016-01-05', 'B', 21], ['2016-01-06', 'B', 19],
  ['2015-12-30', 'C', 30], ['2016-01-04', 'C', 33],
  ['2015-12-30', 'D', 5], ['2015-12-31', 'D', 5], ['2016-01-04', 'D', 5], ['2016-01-05', 'D', 10], ['2016-01-06', 'D', 10.5],
];

function longCsv(rows = ROWS): string {
  return 'date,symbol,open,high,low,close,volume\n' + rows.map(([d, s, c]) => `${d},${s},${c},${c},${c},${c},100`).join('\n') + '\n';
}

describe('data: importSnapshot (versioned snapshots and the manifest)', () => {
  const dir = tempDir('qb-import-');
  const root = join(dir, 'catalog');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('writes hive year partitions, groups and a manifest whose facts match the input', async () => {
    const prices = write('panel.csv', longCsv());
    const groups = write('sectors.csv', 'Symbol,Sector\nA,Tech\nB,Energy\nZ,Other\n');
    const { manifest, dir: snapDir, created } = await importSnapshotDetailed({ source: prices, name: 'hand', groups, root });
    assert.equal(created, true);
    assert.equal(manifest.snapshot_id, `hand@${manifest.content_hash.slice(0, 12)}`);
    assert.equal(snapDir, join(root, 'hand', manifest.content_hash.slice(0, 12)));
    assert.deepEqual(manifest.tables.prices.files, ['prices/year=2015/part-0.parquet', 'prices/year=2016/part-0.parquet']);
    for (const f of manifest.tables.prices.files) assert.ok(existsSync(join(snapDir, f)), f);
    assert.ok(existsSync(join(snapDir, 'groups.parquet')));
    assert.equal(manifest.tables.prices.rows, ROWS.length);
    assert.equal(manifest.securities, 4);
    assert.equal(manifest.dates, DAYS.length);
    assert.deepEqual(manifest.date_range, { start: '2015-12-30', end: '2016-01-06' });
    assert.deepEqual(manifest.tables.prices.columns.map((c) => `${c.name}:${c.dtype}`), ['date:Date', 'security_id:String', 'open:Float64', 'high:Float64', 'low:Float64', 'close:Float64', 'volume:Float64']);
    assert.deepEqual(manifest.sources.map((s) => [s.role, s.file, s.sha256]), [
      ['prices', 'panel.csv', createHash('sha256').update(readFileSync(prices)).digest('hex')],
      ['groups', 'sectors.csv', createHash('sha256').update(readFileSync(groups)).digest('hex')],
    ]);
    assert.deepEqual(manifest.load.groups?.securities_without_labels, ['C', 'D']);
    assert.equal(manifest.load.groups?.securities_not_in_prices, 1);
    assert.ok(Date.now() - Date.parse(manifest.created_at) < 120_000);
    assert.deepEqual(readdirSync(join(root, 'hand')).filter((f) => f.startsWith('.')), [], 'no temp folder left');
  });

  it('quality: gaps, late starts, early ends and the largest moves agree with a loop over the rows', async () => {
    const { manifest } = await importSnapshotDetailed({ source: write('q.csv', longCsv()), name: 'quality', root });
    const calendar = [...new Set(ROWS.map((r) => r[0]))].sort();
    const bySecurity = new Map<string, [string, number][]>();
    for (const [d, s, c] of ROWS) bySecurity.set(s, [...(bySecurity.get(s) ?? []), [d, c]]);
    let missing = 0;
    const late: string[] = [];
    const early: string[] = [];
    const moves: { s: string; d: string; r: number }[] = [];
    for (const [s, bars] of bySecurity) {
      bars.sort((a, b) => a[0].localeCompare(b[0]));
      const first = bars[0][0];
      const last = bars[bars.length - 1][0];
      missing += calendar.filter((d) => d >= first && d <= last).length - bars.length;
      if (first > calendar[0]) late.push(s);
      if (last < calendar[calendar.length - 1]) early.push(s);
      for (let i = 1; i < bars.length; i++) moves.push({ s, d: bars[i][0], r: bars[i][1] / bars[i - 1][1] - 1 });
    }
    moves.sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
    const q = manifest.quality;
    assert.equal(q.gaps.missing_bars, missing);
    assert.deepEqual(q.gaps.worst.map((w) => [w.security_id, w.missing_bars]), [['C', 1]]);
    assert.deepEqual(q.coverage.late_start_examples.map((x) => x.security_id), late);
    assert.deepEqual(q.coverage.early_end_examples.map((x) => [x.security_id, x.last]), [['C', '2016-01-04']]);
    assert.equal(q.coverage.complete, 2);
    assert.deepEqual(q.largest_moves.slice(0, 3).map((m) => [m.security_id, m.date, +m.return.toFixed(12)]), moves.slice(0, 3).map((m) => [m.s, m.d, +m.r.toFixed(12)]));
    assert.equal(q.largest_moves[0].previous_date, '2016-01-04');
    assert.equal(q.calendar.dates, calendar.length);
  });

  it('content hash: same data -> same hash whatever the name, file name, layout or row order', async () => {
    const closes = ROWS.filter(([, s]) => s === 'A' || s === 'B');
    const long = write('ab-long.csv', 'date,symbol,close\n' + closes.map(([d, s, c]) => `${d},${s},${c}`).join('\n') + '\n');
    const shuffled = write('ab-shuffled.csv', 'Date,Ticker,Close\n' + [...closes].reverse().map(([d, s, c]) => `${d},${s},${c}`).join('\n') + '\n');
    const wide = write('ab-wide.csv', 'date,A,B\n' + DAYS.map((d) => `${d},${closes.find((r) => r[0] === d && r[1] === 'A')?.[2] ?? ''},${closes.find((r) => r[0] === d && r[1] === 'B')?.[2] ?? ''}`).join('\n') + '\n');
    const hashes = [];
    for (const [source, name] of [[long, 'one'], [shuffled, 'two'], [wide, 'three']]) {
      hashes.push((await importSnapshotDetailed({ source, name, root })).manifest.content_hash);
    }
    assert.equal(new Set(hashes).size, 1, hashes.join(' '));
  });

  it('versions: identical data is the same version; new data under the name is a new one; open() picks latest or exact', async () => {
    const v1 = write('v1.csv', longCsv());
    const first = await importSnapshotDetailed({ source: v1, name: 'versioned', root });
    const again = await importSnapshotDetailed({ source: v1, name: 'versioned', root });
    assert.equal(again.created, false);
    assert.equal(again.manifest.created_at, first.manifest.created_at, 'the existing version is returned untouched');
    const v2 = write('v2.csv', longCsv([...ROWS, ['2016-01-07', 'A', 15]]));
    const second = await importSnapshotDetailed({ source: v2, name: 'versioned', root });
    assert.notEqual(second.manifest.snapshot_id, first.manifest.snapshot_id);
    const catalog = new DataCatalog(root);
    assert.deepEqual((await catalog.list()).filter((m) => m.name === 'versioned').map((m) => m.snapshot_id), [first.manifest.snapshot_id, second.manifest.snapshot_id]);
    assert.equal((await catalog.open('versioned')).id, second.manifest.snapshot_id);
    assert.equal((await catalog.open(first.manifest.snapshot_id)).id, first.manifest.snapshot_id);
    await assert.rejects(catalog.open('versioned@000000000000'), (e: QuantbookError) => e.code === 'SNAPSHOT_NOT_FOUND' && e.message.includes(second.manifest.snapshot_id));
    await assert.rejects(catalog.open('nothing-here'), (e: QuantbookError) => e.code === 'SNAPSHOT_NOT_FOUND' && /quantbook import/.test(e.hint ?? ''));
  });

  it('a failed import leaves nothing behind; names are checked', async () => {
    const bad = write('bad.csv', 'date,symbol,close\n2015-01-05,A,0\n');
    await assert.rejects(importSnapshotDetailed({ source: bad, name: 'bad', root }), (e: QuantbookError) => e.code === 'INVALID_PRICES');
    assert.equal(existsSync(join(root, 'bad')), false);
    await assert.rejects(importSnapshotDetailed({ source: bad, name: 'a/b', root }), (e: QuantbookError) => e.code === 'BAD_PARAMETER');
    await assert.rejects(importSnapshotDetailed({ source: join(dir, 'none.csv'), name: 'x', root }), (e: QuantbookError) => e.code === 'FILE_NOT_FOUND');
  });

  it('a damaged manifest is reported, not half-read', () => {
    const good = JSON.parse(readFileSync(join(root, 'hand', readdirSync(join(root, 'hand'))[0], 'manifest.json'), 'utf8'));
    delete good.content_hash;
    assert.throws(() => parseManifest(good, 'x/manifest.json'), (e: QuantbookError) => e.code === 'BAD_MANIFEST' && e.message.includes("'content_hash'"));
  });

  it('a folder of one CSV per security imports as one snapshot; a folder snapshot re-imports to the same hash', async () => {
    const folder = join(dir, 'per-security');
    require('node:fs').mkdirSync(folder);
    for (const s of ['A', 'B']) writeFileSync(join(folder, `${s}.csv`), 'date,close\n' + ROWS.filter((r) => r[1] === s).map(([d, , c]) => `${d},${c}`).join('\n') + '\n');
    const { manifest, dir: snapDir } = await importSnapshotDetailed({ source: folder, name: 'folder', root });
    assert.equal(manifest.securities, 2);
    assert.equal(manifest.sources.length, 2);
    const again = await importSnapshotDetailed({ source: snapDir, name: 'copy', root });
    assert.equal(again.manifest.content_hash, manifest.content_hash);
    assert.equal(again.manifest.source_layout, 'snapshot');
  });

  describe('real data: all_stocks_5yr.csv', () => {
    it('imports twice with the same content hash; quality finds the real quirks', async function () {
      this.timeout(180_000);
      const source = sharedData(this, 'all_stocks_5yr.csv');
      const t0 = performance.now();
      const a = await importSnapshotDetailed({ source, name: 'sp500', root: join(dir, 'real-1'), invalid: 'blank' });
      const seconds = (performance.now() - t0) / 1000;
      const b = await importSnapshotDetailed({ source, name: 'other-name', root: join(dir, 'real-2'), invalid: 'blank' });
      console.log(`      (one import of all_stocks_5yr.csv: ${seconds.toFixed(1)} s on this machine)`);
      assert.equal(a.manifest.content_hash, b.manifest.content_hash);
      assert.notEqual(a.manifest.created_at + a.manifest.name, b.manifest.created_at + b.manifest.name);
      const q = a.manifest.quality;
      assert.equal(a.manifest.tables.prices.rows, 619040);
      assert.equal(a.manifest.securities, 505);
      assert.equal(a.manifest.dates, 1259);
      assert.equal(q.missing_values.open, 11, 'the 11 empty open cells');
      assert.deepEqual(q.invalid_bars, { non_positive_price: 0, high_below_low: 1, negative_volume: 0, conflicting_duplicate: 0 });
      assert.equal(q.coverage.complete, 470, '470 tickers have all 1,259 dates (data README)');
      assert.equal(q.coverage.late_start, 29);
      assert.deepEqual(q.coverage.late_start_examples[0], { security_id: 'APTV', first: '2017-12-05' });
      assert.deepEqual(q.gaps.worst.slice(0, 2).map((g) => [g.security_id, g.missing_bars]), [['DHR', 16], ['O', 16]]);
      const top = q.largest_moves.map((m) => `${m.security_id} ${m.date} ${(m.return * 100).toFixed(0)}%`);
      assert.deepEqual(top.slice(0, 4), ['LNT 2016-05-20 101%', 'NI 2015-07-02 -63%', 'VRTX 2013-04-19 62%', 'EBAY 2015-07-20 -57%']);
    });
  });
});
