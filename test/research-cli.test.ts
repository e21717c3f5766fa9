import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { openSample } from '../kernel-lib/data/catalog';
import { tempDir, cli } from './helpers';


describe('research: quantbook research (CLI) on the embedded sample', function () {
  this.timeout(300000);
  const dir = tempDir('quantbook-research-cli-');
  const file = join(dir, 'my_signal.csv');

  before(async () => {
    // a user signal file in the contract: a deterministic score per (security, date) for one year
    const prices = await (await openSample()).prices({ columns: ['close'], start: '2016-01-01', end: '2016-12-31' }).collect();
    const table = prices.select(
      pl.col('security_id'),
      pl.col('date').cast(pl.Utf8).alias('date_sig'),
      pl.col('date').cast(pl.Utf8).alias('date_avail'),
      pl.col('close').mul(7.13).sin().alias('signal'),
    );
    table.writeCSV(file);
  });

  it('--json prints the documented shape for a built-in and a signal file', async () => {
    const r = await cli('research', '--snapshot', 'sample', '--signals', `reversal_5d,${file}`, '--horizons', '1,5', '--quantiles', '5', '--no-regimes', '--json');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.signals.map((s: { signal: string }) => s.signal), ['reversal_5d', 'my_signal']);
    for (const s of out.signals) {
      for (const k of ['signal', 'rows_used', 'dates', 'horizons', 'autocorrelation']) assert.ok(k in s, k);
      assert.equal(typeof s.rows_used, 'number');
      assert.deepEqual(s.horizons.map((h: { horizon: number }) => h.horizon), [1, 5]);
      for (const h of s.horizons) {
        for (const k of ['ic_mean', 'ic_std', 'icir', 't_stat', 'spread', 'monotonicity']) assert.equal(typeof h[k], 'number', k);
        assert.equal(h.quantile_mean_returns.length, 5);
      }
    }
    // the file covers 2016 only: far fewer rows than the built-in
    assert.ok(out.signals[1].rows_used < out.signals[0].rows_used / 3);
    assert.deepEqual(out.correlation.signals, ['reversal_5d', 'my_signal']);
    assert.equal(out.correlation.matrix.length, 2);
    assert.equal(out.correlation.matrix[0][0], 1);
    assert.equal(out.identity.data.snapshot_name, 'sp500-5yr');
  });

  it('prints readable tables and writes charts with --charts', async () => {
    const charts = join(dir, 'charts');
    const r = await cli('research', '--snapshot', 'sample', '--signals', 'reversal_5d', '--horizons', '5', '--lags', '1', '--full-history-only', '--charts', charts);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Horizon 5 bars/);
    assert.match(r.stdout, /reversal_5d\s+-?\d\.\d{4}/);
    assert.match(r.stdout, /--full-history-only left out 35 securities/);
    assert.match(r.stdout, /IC mean by regime/);
    assert.match(r.stdout, /Charts: .*reversal_5d-quantiles\.svg/);
  });

  it('bad input exits 2 with a named error', async () => {
    const unknown = await cli('research', '--snapshot', 'sample', '--signals', 'momentum_99', '--json');
    assert.equal(unknown.code, 2);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'UNKNOWN_SIGNAL');
    const horizons = await cli('research', '--snapshot', 'sample', '--horizons', '0', '--json');
    assert.equal(horizons.code, 2);
    assert.match(JSON.parse(horizons.stdout).error.message, /horizons/);
    const bad = join(dir, 'bad.csv');
    pl.DataFrame({ security_id: ['AAPL'], date_sig: ['2016-01-05'], date_avail: ['2016-01-04'], signal: [1] }).writeCSV(bad);
    const invalid = await cli('research', '--snapshot', 'sample', '--signals', bad, '--json');
    assert.equal(invalid.code, 2);
    assert.equal(JSON.parse(invalid.stdout).error.code, 'INVALID_SIGNAL');
    const missing = await cli('research', '--json');
    assert.equal(missing.code, 2);
  });
});
