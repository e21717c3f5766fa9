import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { optimizeHeatmap } from '../kernel-lib/optimize/heatmap';
import { optimize } from '../kernel-lib/optimize/optimize';
import { renderSvg } from '../kernel-lib/plot/render';
import { sharedData, tempDir, cli } from './helpers';


describe('optimize: quantbook optimize (CLI) and the heatmap', () => {
  it('--json prints n_trials, failures, best, deflated_sharpe and top (GOOG, the full 7,830-pair grid)', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const r = await cli('optimize', '--data', goog, '--strategy', 'sma_cross', '--grid', 'fast=5..50,slow=20..200', '--fee-bps', '10', '--objective', 'sharpe', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out).slice(0, 5), ['n_trials', 'failures', 'best', 'deflated_sharpe', 'top']);
    assert.equal(out.n_trials, 7830);
    assert.equal(out.failures, 0);
    assert.equal(out.n_invalid, 496);
    assert.equal(out.path, 'sweep');
    assert.deepEqual(Object.keys(out.best.params).sort(), ['allowShort', 'fast', 'slow']);
    assert.ok(out.best.params.fast < out.best.params.slow);
    assert.equal(typeof out.best.metrics.stability, 'number'); // the best's metrics are a full engine run
    assert.ok(out.deflated_sharpe > 0 && out.deflated_sharpe <= 1);
    assert.equal(out.top.length, 10);
    assert.deepEqual(out.top[0], out.best);
    for (let i = 1; i < out.top.length; i++) assert.ok(out.top[i - 1].metrics.sharpe >= out.top[i].metrics.sharpe);
    assert.equal(out.data.snapshot_id, 'file:GOOG.csv');
    // The same best as a backtest of those parameters.
    const bt = await cli('backtest', '--data', goog, '--strategy', 'sma_cross', '--params', `fast=${out.best.params.fast},slow=${out.best.params.slow}`, '--fee-bps', '10', '--json');
    assert.equal(JSON.parse(bt.stdout).metrics.sharpe, out.best.metrics.sharpe);
  });

  it('prints a readable summary, and writes the table, JSON and heatmap with --out --charts', async () => {
    const dir = tempDir();
    const file = join(dir, 'SYN.csv');
    const panel = syntheticPanel({ securities: 1, days: 600, seed: 3 });
    writeFileSync(file, (await panel.lazy().select(pl.col('date').cast(pl.Utf8), 'open', 'high', 'low', 'close', 'volume').collect()).writeCSV().toString());
    const out = join(dir, 'out');
    const r = await cli('optimize', '--data', file, '--strategy', 'sma_cross', '--grid', 'fast=5..20:5,slow=20..60:10', '--random', '8', '--seed', '4', '--top', '3', '--out', out, '--charts');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sma_cross 1\.0\.0 {2}random search \(seed 4\), objective sharpe \(max\)/);
    assert.match(r.stdout, /trials {3}8 run \(sweep path/);
    assert.match(r.stdout, /deflated Sharpe -?\d\.\d{3}/);
    assert.match(r.stdout, /top 3 by sharpe\n +1\. fast=\d+ slow=\d+ allowShort=false/);
    const files = readdirSync(out);
    for (const suffix of ['.parquet', '.json', '.heatmap.svg']) assert.ok(files.some((f) => /^SmaCross_SYN_optimize_[0-9a-f]{10}/.test(f) && f.endsWith(suffix)), `${suffix} in ${files.join(' ')}`);
    const table = pl.readParquet(join(out, files.find((f) => f.endsWith('.parquet'))!));
    assert.equal(table.height, 8);
    assert.deepEqual(table.columns.slice(0, 5), ['trial', 'fast', 'slow', 'allowShort', 'sharpe']);
    const json = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8'));
    assert.equal(json.n_trials, 8);
    assert.equal(json.seed, 4);
  });

  it('bad input is an error naming the option, exit code 2', async () => {
    const r = await cli('optimize', '--data', 'nope.csv', '--strategy', 'sma_cross', '--grid', 'fast=5..50');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /DATA_NOT_FOUND/);
    const g = await cli('optimize', '--data', 'x.csv', '--strategy', 'sma_cross', '--grid', 'fsat=5..50', '--json');
    assert.equal(g.code, 2);
    assert.equal(JSON.parse(g.stdout).error.code, 'BAD_PARAMETER');
    assert.match(g.stderr, /strategy 'sma_cross' has no parameter 'fsat'/);
    const s = await cli('optimize', '--data', 'x.csv', '--strategy', 'sma_cross', '--grid', 'fast=5', '--seed', '3');
    assert.match(s.stderr, /--seed only applies to random search/);
  });

  it('the heatmap has one cell per tried (x, y) pair, the best marked, and renders to SVG', async () => {
    const data = syntheticPanel({ securities: 1, days: 700, seed: 8 });
    const r = await optimize({ strategy: 'sma_cross', data, grid: 'fast=4..20:4,slow=10..50:10,allowShort=true|false', threads: 0 });
    const chart = optimizeHeatmap(r);
    const cells = chart.data.cells.rows;
    const pairs = new Set(r.trials.map((t) => `${t.params.fast}/${t.params.slow}`));
    assert.equal(cells.length, pairs.size);
    // Each cell holds the best over allowShort.
    for (const c of cells) {
      const values = r.trials.filter((t) => t.params.fast === c.fast && t.params.slow === c.slow).map((t) => t.metrics.sharpe);
      assert.equal(c.value, Math.max(...values));
      assert.ok((c.x1 as number) < (c.fast as number) && (c.fast as number) < (c.x2 as number));
    }
    assert.deepEqual(chart.data.best.rows[0], { x: r.best!.params.fast, y: r.best!.params.slow, label: `best fast=${r.best!.params.fast}, slow=${r.best!.params.slow}` });
    assert.match(chart.caption!, /each cell: the highest over allowShort/);
    const svg = renderSvg(chart);
    assert.match(svg, /^<svg/);
    assert.ok((svg.match(/<rect/g) ?? []).length >= cells.length);
    assert.throws(() => optimizeHeatmap(r, { x: 'fast', y: 'fast' }), /two numeric parameters/);
  });
});
