import { strict as assert } from 'node:assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData, tempDir, cli } from './helpers';


describe('engine: quantbook backtest (CLI)', () => {
  it('prints identity, metrics and the trade count as JSON', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const r = await cli('backtest', '--data', goog, '--strategy', 'sma_cross', '--params', 'fast=20,slow=50', '--fee-bps', '10', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out).slice(0, 3), ['identity', 'metrics', 'trades']);
    for (const k of ['sharpe', 'sortino', 'max_drawdown', 'cagr', 'calmar', 'annual_volatility', 'stability', 'total_return', 'trade_count']) {
      assert.equal(typeof out.metrics[k], 'number', k);
    }
    assert.equal(out.trades, out.metrics.trade_count);
    assert.equal(out.identity.data.snapshot_id, 'file:GOOG.csv');
    assert.match(out.identity.data.content_hash, /^[0-9a-f]{64}$/);
    assert.equal(out.identity.cost_model.fee_bps, 10);
    assert.equal(out.identity.params_json, '{"allowShort":false,"fast":20,"slow":50}');
  });

  it('prints a metrics table and writes files and charts with --out --charts (next-open fills)', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const dir = tempDir();
    const r = await cli('backtest', '--data', goog, '--strategy', 'donchian_breakout', '--params', 'window=55,atrMultiple=2.5', '--next-open', '--slippage-bps', '5', '--out', dir, '--charts');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /donchian_breakout 1\.0\.0 {2}window=55 atrPeriod=14 atrMultiple=2\.5 allowShort=false/);
    assert.match(r.stdout, /sharpe\s+-?\d+\.\d{3}/);
    assert.match(r.stdout, /fill at the next open/);
    const files = readdirSync(dir);
    assert.ok(files.some((f) => /^DonchianBreakout_Equity_1d_[0-9a-f]{10}\.parquet$/.test(f)), files.join(' '));
    for (const suffix of ['.trades.parquet', '.metrics.parquet', '.json', '.equity.svg', '.underwater.svg', '.rolling_sharpe.svg', '.rolling_beta.svg', '.trades.svg']) {
      assert.ok(files.some((f) => f.endsWith(suffix)), suffix);
    }
  });

  it('records the run in the history (params, metrics, equity and trades), and not with --no-record', async () => {
    const dir = tempDir();
    const file = join(dir, 'walk.csv');
    const rows = ['Date,Open,High,Low,Close,Volume'];
    let price = 100;
    for (let day = 0; day < 300; day++) {
      price = Math.round(price * (1 + 0.02 * Math.sin(day / 7) + 0.003) * 100) / 100;
      const date = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      rows.push(`${date},${price},${price},${price},${price},1000`);
    }
    writeFileSync(file, rows.join('\n'));
    const runs = join(dir, 'runs');
    const r = await cli('backtest', '--data', file, '--strategy', 'sma_cross', '--params', 'fast=5,slow=20', '--runs', runs, '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run_id, out.identity.run_id);
    const listed = await cli('history', 'show', out.run_id, '--runs', runs, '--json');
    const run = JSON.parse(listed.stdout);
    assert.equal(run.kind, 'backtest');
    assert.deepEqual(run.params, { allowShort: false, fast: 5, slow: 20 });
    assert.equal(run.metrics.sharpe, out.metrics.sharpe);
    assert.equal(run.data[0].content_hash, out.identity.data.content_hash);
    assert.deepEqual(run.artifacts.map((a: { name: string }) => a.name).sort(), ['equity', 'trades']);
    const quiet = await cli('backtest', '--data', file, '--strategy', 'sma_cross', '--params', 'fast=5,slow=20', '--runs', runs, '--no-record', '--json');
    assert.equal(JSON.parse(quiet.stdout).run_id, null);
    assert.equal(readdirSync(runs).filter((d) => !d.startsWith('.')).length, 1);
  });

  it('lists the strategies with their parameters', async () => {
    const r = await cli('backtest', '--list', '--json');
    assert.equal(r.code, 0);
    const names = JSON.parse(r.stdout).strategies.map((s: { strategy: string }) => s.strategy);
    assert.deepEqual(names.slice(0, 3), ['sma_cross', 'rsi_reversion', 'donchian_breakout']);
  });

  describe('bad input exits non-zero with a message naming the problem', () => {
    it('fast >= slow, a window of 0, an unknown strategy, a negative fee, a missing option', async function () {
      const goog = sharedData(this, 'GOOG.csv');
      const cases: Array<[string[], RegExp]> = [
        [['--strategy', 'sma_cross', '--params', 'fast=50,slow=20'], /BAD_PARAMETER.*fast must be less than slow/],
        [['--strategy', 'sma_cross', '--params', 'fast=0'], /BAD_PARAMETER.*parameter 'fast'/],
        [['--strategy', 'sma_crossover'], /UNKNOWN_STRATEGY.*\n.*known strategies: sma_cross/],
        [['--strategy', 'sma_cross', '--fee-bps=-5'], /BAD_PARAMETER.*--fee-bps must be >= 0, got -5/],
        [['--strategy', 'sma_cross', '--fee-bps', 'ten'], /BAD_ARGUMENT.*--fee-bps: 'ten' is not a number/],
      ];
      for (const [args, message] of cases) {
        const r = await cli('backtest', '--data', goog, ...args);
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.stderr, message);
      }
      const missing = await cli('backtest', '--strategy', 'sma_cross');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /missing required option --data/);
    });

    it('zero and negative prices in the file, naming rows; an unknown symbol', async function () {
      const bad = sharedData(this, 'bad-inputs/prices_nonpositive_high_below_low.csv');
      const r = await cli('backtest', '--data', bad, '--strategy', 'sma_cross', '--json');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /data row 1/);
      assert.equal(JSON.parse(r.stdout).error.code.length > 0, true);
      const stocks = sharedData(this, 'GOOG.csv');
      const unknown = await cli('backtest', '--data', stocks.replace('GOOG.csv', 'bad-inputs/prices_unsorted_dup.csv'), '--symbol', 'ZZZ', '--strategy', 'sma_cross');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /UNKNOWN_SYMBOL.*'ZZZ'[\s\S]*securities there: AAA/);
    });

    it('a file too short for the warm-up says so', async function () {
      const file = sharedData(this, 'bad-inputs/prices_unsorted_dup.csv');
      const r = await cli('backtest', '--data', file, '--strategy', 'sma_cross');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /NO_TARGETS/);
    });
  });
});
