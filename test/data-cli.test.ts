import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { toSecurityArrays } from '../kernel-lib/kernels/bridge';
import { openSample, SAMPLE_NAME } from '../kernel-lib/data/catalog';
import { sampleDir } from '../kernel-lib/data/sample';
import { ManifestSchema } from '../kernel-lib/data/manifest';
import { cli, sharedData, tempDir } from './helpers';

describe('data: CLI import / snapshots / demo, and the embedded sample', () => {
  const dir = tempDir('qb-cli-');
  const catalog = join(dir, 'catalog');

  describe('quantbook import', () => {
    it('--json prints the manifest with its content_hash; importing again prints the same id', async function () {
      const goog = sharedData(this, 'GOOG.csv');
      const first = await cli('import', goog, '--name', 'goog', '--catalog', catalog, '--json');
      assert.equal(first.code, 0, first.stderr);
      const manifest = ManifestSchema.parse(JSON.parse(first.stdout));
      assert.match(manifest.content_hash, /^[0-9a-f]{64}$/);
      assert.equal(manifest.snapshot_id, `goog@${manifest.content_hash.slice(0, 12)}`);
      assert.equal(manifest.tables.prices.rows, 2148);
      const again = await cli('import', goog, '--name', 'goog', '--catalog', catalog);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /already in the catalog \(identical data\): goog@/);
      const listed = await cli('snapshots', '--catalog', catalog, '--json');
      const parsed = JSON.parse(listed.stdout);
      assert.deepEqual(parsed.snapshots.map((m: { snapshot_id: string }) => m.snapshot_id), [manifest.snapshot_id]);
      assert.equal(parsed.sample.name, SAMPLE_NAME);
      const text = await cli('snapshots', '--catalog', catalog);
      assert.match(text.stdout, new RegExp(`${manifest.snapshot_id.replace('@', '@')} .*2148 rows .*\\(latest\\)`));
    });

    it('bad inputs exit non-zero with a message naming the file and the fix, never a stack trace', async function () {
      const cases: [string, string[], RegExp][] = [
        ['empty.csv', [], /EMPTY_FILE.*empty\.csv/s],
        ['header_only.csv', [], /NO_ROWS.*header_only\.csv/s],
        ['prices_nonpositive_high_below_low.csv', [], /INVALID_PRICES.*close=0.*fix: .*--invalid/s],
        ['text_signal.csv', [], /MISSING_COLUMN|NOT_A_NUMBER/],
        ['ambiguous_date_format.csv', [], /MISSING_COLUMN|AMBIGUOUS_DATE_FORMAT/],
      ];
      for (const [file, extra, pattern] of cases) {
        const r = await cli('import', sharedData(this, `bad-inputs/${file}`), '--name', 'bad', '--catalog', catalog, ...extra);
        assert.equal(r.code, 2, `${file}: ${r.stderr}`);
        assert.match(r.stderr, pattern, file);
        assert.doesNotMatch(r.stderr, /\n\s+at /, `${file}: no stack trace`);
      }
      const noName = await cli('import', sharedData(this, 'GOOG.csv'), '--catalog', catalog);
      assert.equal(noName.code, 2);
      assert.match(noName.stderr, /--name/);
      const badLayout = await cli('import', sharedData(this, 'GOOG.csv'), '--name', 'g', '--layout', 'tall');
      assert.match(badLayout.stderr, /--layout: 'tall' is not one of auto, long, wide/);
    });

    it('--invalid blank imports a file with impossible bars and records them in the quality section', async function () {
      const r = await cli('import', sharedData(this, 'bad-inputs/prices_nonpositive_high_below_low.csv'), '--name', 'fixed', '--invalid', 'blank', '--catalog', catalog, '--json');
      assert.equal(r.code, 0, r.stderr);
      const m = JSON.parse(r.stdout);
      assert.deepEqual(m.quality.invalid_bars, { non_positive_price: 2, high_below_low: 1, negative_volume: 0, conflicting_duplicate: 0 });
      assert.equal(m.quality.invalid_action, 'blank');
    });
  });

  describe('the embedded sample', () => {
    it('is a real snapshot: 505 securities, 2013-02-08..2018-02-07, commit-sized, with attribution', async () => {
      const s = await openSample();
      assert.equal(s.manifest.securities, 505);
      assert.equal(s.manifest.tables.prices.rows, 619040);
      assert.deepEqual(s.manifest.date_range, { start: '2013-02-08', end: '2018-02-07' });
      const bytes = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytes(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
      assert.ok(bytes(s.dir) < 12e6, `sample is ${bytes(s.dir)} bytes`);
      const readme = readFileSync(join(s.dir, '..', 'README.md'), 'utf8');
      for (const must of ['plotly/datasets', 'CNuge/kaggle-code', 'Cam Nugent', 'MIT', 'datasets/s-and-p-500-companies', 'PDDL']) assert.ok(readme.includes(must), must);
    });

    it('is found from the bundle folder (dist/) as well as from the sources', () => {
      const fromSource = sampleDir();
      assert.ok(fromSource);
      assert.equal(sampleDir(join(__dirname, '..', 'dist')), fromSource);
      assert.equal(sampleDir(join(__dirname, '..', 'dist', 'types', 'data')), fromSource);
    });
  });

  describe('quantbook demo', () => {
    it('prints a real result and writes the manifest, the chart and a summary; the index equals a loop over the sample', async function () {
      this.timeout(180_000);
      const out = join(dir, 'demo');
      const r = await cli('demo', '--out', out);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /content hash equals the embedded sample's/);
      assert.match(r.stdout, /LNT 2016-05-20 \+101\.0%/);
      assert.match(r.stdout, /Outputs \(in /);
      for (const f of ['manifest.json', 'equal-weight-index.svg', 'summary.json']) assert.ok(existsSync(join(out, f)), f);
      assert.match(readFileSync(join(out, 'equal-weight-index.svg'), 'utf8'), /^<svg xmlns/);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

      // Independent: per-security returns over typed arrays, averaged per day in a Map, compounded.
      const arrays = await toSecurityArrays((await openSample()).prices({ columns: ['close'] }), { columns: ['close'] });
      const perDay = new Map<number, [number, number]>();
      for (let g = 0; g < arrays.securities.length; g++) {
        for (let i = arrays.offsets[g] + 1; i < arrays.offsets[g + 1]; i++) {
          const r1 = arrays.columns.close[i] / arrays.columns.close[i - 1] - 1;
          const acc = perDay.get(arrays.time[i]) ?? [0, 0];
          perDay.set(arrays.time[i], [acc[0] + r1, acc[1] + 1]);
        }
      }
      const daily = [...perDay.entries()].sort((a, b) => a[0] - b[0]).map(([, [sum, n]]) => sum / n);
      const level = daily.reduce((x, r1) => x * (1 + r1), 1);
      const mean = daily.reduce((a, b) => a + b, 0) / daily.length;
      const sd = Math.sqrt(daily.reduce((a, b) => a + (b - mean) ** 2, 0) / (daily.length - 1));
      assert.equal(summary.equal_weight.days, daily.length);
      assert.ok(Math.abs(summary.equal_weight.total_return - (level - 1)) < 1e-9, `${summary.equal_weight.total_return} vs ${level - 1}`);
      assert.ok(Math.abs(summary.equal_weight.annual_volatility - sd * Math.sqrt(252)) < 1e-9);
    });
  });
});
