import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { z } from 'zod';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { backtest } from '../kernel-lib/engine/backtest';
import { backtestCharts } from '../kernel-lib/engine/charts';
import { inferFrequency } from '../kernel-lib/engine/frequency';
import { createMarket, createWorkspace, runEngine } from '../kernel-lib/engine/workspace';
import { METRIC_NAMES } from '../kernel-lib/kernels/metrics';
import { QuantbookError } from '../kernel-lib/errors';
import { renderSvg } from '../kernel-lib/plot/render';
import { defineStrategy } from '../kernel-lib/strategy/define';
import { sharedData, tempDir } from './helpers';

function panel(rows: Array<[string, string, number]>, extra: Record<string, number[]> = {}): pl.DataFrame {
  return pl.DataFrame({
    security_id: rows.map((r) => r[0]),
    date: rows.map((r) => r[1]),
    close: rows.map((r) => r[2]),
    ...extra,
  }).withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'));
}

/** A test strategy whose target is a column of the panel, so tests control it bar by bar. */
const fromColumn = defineStrategy({
  name: 'from_column',
  version: '1',
  params: z.object({}),
  columns: ['want'],
  features: () => ({}),
  target: () => pl.col('want'),
});

async function rejectsCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof QuantbookError, `expected a QuantbookError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const days = ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08', '2020-01-09'];

describe('engine: backtest() end to end', () => {
  describe('SMA(20)/SMA(50) long-only on GOOG.csv with 10 bps fees, against a plain loop', () => {
    let result: Awaited<ReturnType<typeof backtest>>;
    let reference: { net: number[]; position: number[]; trades: number };

    before(async function () {
      const path = sharedData(this, 'GOOG.csv');
      // Independent reference: parse the CSV by hand, compare SMAs exactly in integer cents.
      const close = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[4]));
      const cents = close.map((c) => Math.round(c * 100));
      const target: number[] = [];
      for (let t = 0; t < close.length; t++) {
        if (t < 49) { target.push(NaN); continue; }
        let fast = 0;
        let slow = 0;
        for (let s = t - 19; s <= t; s++) fast += cents[s];
        for (let s = t - 49; s <= t; s++) slow += cents[s];
        target.push(fast * 50 > slow * 20 ? 1 : 0); // SMA20 > SMA50 strictly, cross-multiplied
      }
      const net: number[] = [];
      const position: number[] = [];
      let previous = 0;
      let trades = 0;
      for (let t = 0; t < close.length; t++) {
        const p = t > 0 && !Number.isNaN(target[t - 1]) ? target[t - 1] : 0;
        const r = t > 0 ? close[t] / close[t - 1] - 1 : 0;
        if (p === 1 && previous === 0) trades++;
        net.push(p * r - Math.abs(p - previous) * 0.001);
        position.push(p);
        previous = p;
      }
      reference = { net, position, trades };
      const file = await loadPriceFile(path);
      result = await backtest({ strategy: 'sma_cross', params: { fast: 20, slow: 50 }, data: file.prices, feeBps: 10, dataIdentity: { snapshot_id: 'file:GOOG.csv', content_hash: 'test' } });
    });

    it('has the same position and net return on every bar', () => {
      const net = result.frame.getColumn('net').toTypedArray() as Float64Array;
      const position = result.frame.getColumn('position').toTypedArray() as Float64Array;
      assert.equal(net.length, 2148);
      assert.deepEqual(Array.from(position), reference.position);
      for (let t = 0; t < net.length; t++) assert.ok(Math.abs(net[t] - reference.net[t]) < 1e-15, `bar ${t}: ${net[t]} vs ${reference.net[t]}`);
    });

    it('has the loop\'s total return, Sharpe, max drawdown and trade count', () => {
      const n = reference.net.length;
      let equity = 1;
      let peak = 1;
      let maxDrawdown = 0;
      for (const r of reference.net) {
        equity *= 1 + r;
        peak = Math.max(peak, equity);
        maxDrawdown = Math.min(maxDrawdown, equity / peak - 1);
      }
      const mean = reference.net.reduce((a, b) => a + b) / n;
      const sd = Math.sqrt(reference.net.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      const m = result.metrics;
      assert.ok(Math.abs(m.total_return - (equity - 1)) < 1e-11, `${m.total_return} vs ${equity - 1}`);
      assert.ok(Math.abs(m.sharpe - (mean / sd) * Math.sqrt(252)) < 1e-11);
      assert.ok(Math.abs(m.max_drawdown - maxDrawdown) < 1e-12);
      assert.ok(Math.abs(m.cagr - (Math.pow(equity, 252 / n) - 1)) < 1e-11);
      assert.equal(m.trade_count, reference.trades);
      assert.equal(result.trades.height, reference.trades);
      assert.equal(m.bars_in_market, reference.position.filter((p) => p !== 0).length);
      assert.equal(m.nan_count, 49); // SMA(50) warm-up
    });

    it('records the identity and names the files StrategyName_AssetClass_TimeFrame_Hash', () => {
      const id = result.identity;
      assert.equal(id.strategy, 'sma_cross');
      assert.equal(id.params_json, '{"allowShort":false,"fast":20,"slow":50}');
      assert.deepEqual(id.params_flat, { fast: 20, slow: 50, allowShort: false });
      assert.equal(id.frequency, '1d');
      assert.equal(id.periods_per_year, 252);
      assert.equal(id.start, '2004-08-19');
      assert.equal(id.end, '2013-03-01');
      assert.equal(id.cost_model.id, 'bps(fee=10,slippage=0)/close/lag1');
      assert.deepEqual(id.weights, { GOOG: 1 });
      assert.match(result.fileStem, /^SmaCross_Equity_1d_[0-9a-f]{10}$/);
    });

    it('renders every chart to SVG', () => {
      const charts = backtestCharts(result);
      assert.deepEqual(Object.keys(charts), ['equity', 'underwater', 'rolling_sharpe', 'rolling_beta', 'trades']);
      for (const [name, c] of Object.entries(charts)) {
        const svg = renderSvg(c);
        assert.match(svg, /^<svg xmlns/, name);
        assert.ok((svg.match(/<path /g) ?? []).length >= 1, `${name} draws a path`);
      }
      assert.equal((charts.trades.data.longs.rows as unknown[]).length, result.trades.height);
    });
  });

  it('saves the frame, trades, canonical metrics row and JSON', async () => {
    const data = panel(days.map((d, i) => ['AAA', d, [10, 11, 12, 11, 13, 14][i]]), { want: [1, 1, 0, 1, 1, 0] });
    const result = await backtest({ strategy: fromColumn, data, feeBps: 5 });
    const dir = tempDir();
    const saved = await result.save(dir);
    for (const path of Object.values(saved)) assert.ok(existsSync(path), path);
    assert.equal(basename(saved.frame), `${result.fileStem}.parquet`);
    const metrics = pl.readParquet(saved.metrics);
    assert.equal(metrics.height, 1);
    for (const c of ['run_id', 'strategy', 'params_json', 'data_hash', 'frequency', 'cost_model', 'sharpe', 'max_drawdown', 'trade_count', 'stability']) assert.ok(metrics.columns.includes(c), c);
    const frame = pl.readParquet(saved.frame);
    assert.deepEqual(frame.columns, ['security_id', 'date', 'close', 'signal', 'target', 'position', 'turnover', 'asset_return', 'gross', 'cost', 'net', 'equity', 'drawdown']);
    const json = JSON.parse(readFileSync(saved.json, 'utf8'));
    assert.equal(json.identity.run_id, result.identity.run_id);
    assert.equal(json.trades, 2);
  });

  it('combines several securities with weights on the union of their dates', async () => {
    // A: 6 days, always long from the first target; B: starts on day 3, always long.
    const rows: Array<[string, string, number]> = [
      ...days.map((d, i): [string, string, number] => ['A', d, [100, 110, 121, 110, 110, 121][i]]),
      ...days.slice(2).map((d, i): [string, string, number] => ['B', d, [50, 55, 50, 50][i]]),
    ];
    const want = rows.map(() => 1);
    const result = await backtest({ strategy: fromColumn, data: panel(rows, { want }), feeBps: 0, weights: { A: 0.75, B: 0.25 } });
    const net = Array.from(result.portfolio.getColumn('net').toTypedArray() as Float64Array);
    // A positions 0,1,1,1,1,1 earn 0, 10%, 10%, -9.09%, 0, 10%; B (from day 3) positions 0,1,1,1 earn 0, 10%, -9.09%, 0
    const a = [0, 0.1, 0.1, 110 / 121 - 1, 0, 0.1];
    const b = [0, 0, 0, 0.1, 50 / 55 - 1, 0];
    net.forEach((x, i) => assert.ok(Math.abs(x - (0.75 * a[i] + 0.25 * b[i])) < 1e-15, `day ${i}`));
    assert.equal(result.identity.asset_class, 'Multi');
    assert.deepEqual(result.identity.weights, { A: 0.75, B: 0.25 });
    const exposure = Array.from(result.portfolio.getColumn('exposure').toTypedArray() as Float64Array);
    assert.deepEqual(exposure, [0, 0.75, 0.75, 1, 1, 1]);
  });

  it('defaults to equal weights and infers an hourly frequency from Datetime bars', async () => {
    const hours = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2020, 0, 6, 0) + i * 3_600_000));
    const data = pl.DataFrame({ security_id: hours.map(() => 'EURUSD'), date: hours, close: hours.map((_, i) => 1.1 + 0.001 * Math.sin(i)), want: hours.map((_, i) => (i % 3 === 0 ? 1 : 0)) })
      .withColumns(pl.col('date').cast(pl.Datetime('ms')));
    const result = await backtest({ strategy: fromColumn, data });
    assert.equal(result.identity.frequency, '1h');
    // 30 bars spanning 29 hours: 29 steps per 29 h = 24 * 365.25 steps a year
    assert.ok(Math.abs(result.identity.periods_per_year - 24 * 365.25) < 1e-6);
    assert.equal(result.identity.asset_class, 'FX');
    assert.match(result.identity.start, /^2020-01-06T00:00:00/);
  });

  describe('bad input is a QuantbookError naming the parameter or row', () => {
    const good = () => panel(days.map((d, i) => ['AAA', d, 10 + i]), { want: [1, 0, 1, 0, 1, 0] });
    it('a window of 0, a parameter outside its schema, fast >= slow', async () => {
      const data = good();
      await rejectsCode(backtest({ strategy: 'sma_cross', params: { fast: 0, slow: 5 }, data }), 'BAD_PARAMETER', /parameter 'fast'/);
      await rejectsCode(backtest({ strategy: 'sma_cross', params: { fast: 5, slow: 3 }, data }), 'BAD_PARAMETER', /fast must be less than slow/);
      await rejectsCode(backtest({ strategy: 'donchian_breakout', params: { atrMultiple: -1 }, data }), 'BAD_PARAMETER', /parameter 'atrMultiple'/);
      await rejectsCode(backtest({ strategy: 'sma_cross', params: { speed: 3 }, data }), 'BAD_PARAMETER', /unknown parameter 'speed'/);
    });
    it('a negative fee or slippage, lag 0, a weight for an unknown security', async () => {
      const data = good();
      await rejectsCode(backtest({ strategy: fromColumn, data, feeBps: -1 }), 'BAD_PARAMETER', /parameter 'feeBps'/);
      await rejectsCode(backtest({ strategy: fromColumn, data, slippageBps: Number.NaN }), 'BAD_PARAMETER', /parameter 'slippageBps'/);
      await rejectsCode(backtest({ strategy: fromColumn, data, lag: 0 }), 'BAD_PARAMETER', /parameter 'lag'.*>= 1/);
      await rejectsCode(backtest({ strategy: fromColumn, data, weights: { ZZZ: 1 } }), 'BAD_PARAMETER', /'ZZZ' is not in the data/);
    });
    it('NaN, missing and zero prices, naming the row and value', async () => {
      const prices = [10, 11, Number.NaN, 12, 13, 14];
      await rejectsCode(backtest({ strategy: fromColumn, data: panel(days.map((d, i) => ['AAA', d, prices[i]]), { want: [1, 1, 1, 1, 1, 1] }) }), 'BAD_PRICE', /row 3 .*'AAA', date 2020-01-06.*'close' price \(value NaN\)/);
      const zero = [10, 11, 12, 0, 13, 14];
      await rejectsCode(backtest({ strategy: fromColumn, data: panel(days.map((d, i) => ['AAA', d, zero[i]]), { want: [1, 1, 1, 1, 1, 1] }) }), 'BAD_PRICE', /row 4 .*value 0/);
      // open prices are checked only when fills happen at the open
      const data = panel(days.map((d, i) => ['AAA', d, 10 + i]), { want: [1, 1, 1, 1, 1, 1], open: [10, 11, -1, 13, 14, 15] });
      await rejectsCode(backtest({ strategy: fromColumn, data, execution: 'open' }), 'BAD_PRICE', /'open' price/);
      await backtest({ strategy: fromColumn, data, execution: 'close' });
    });
    it('unsorted and duplicate timestamps within a security', async () => {
      const unsorted = panel([['AAA', '2020-01-02', 10], ['AAA', '2020-01-06', 11], ['AAA', '2020-01-03', 12]], { want: [1, 1, 1] });
      await rejectsCode(backtest({ strategy: fromColumn, data: unsorted }), 'UNSORTED_TIMESTAMPS', /row 3 .*date 2020-01-03/);
      const duplicate = panel([['AAA', '2020-01-02', 10], ['AAA', '2020-01-03', 11], ['AAA', '2020-01-03', 11]], { want: [1, 1, 1] });
      await rejectsCode(backtest({ strategy: fromColumn, data: duplicate }), 'DUPLICATE_TIMESTAMP', /row 3 .*date 2020-01-03/);
      // the same date in two different securities is fine
      await backtest({ strategy: fromColumn, data: panel([['A', '2020-01-02', 10], ['B', '2020-01-02', 11], ['A', '2020-01-03', 10], ['B', '2020-01-03', 12]], { want: [1, 1, 1, 1] }) });
    });
    it('a target outside [-1, 1], and a run that is all warm-up', async () => {
      await rejectsCode(backtest({ strategy: fromColumn, data: panel(days.map((d, i) => ['AAA', d, 10 + i]), { want: [1, 1, 2, 1, 1, 1] }) }), 'BAD_TARGET', /target 2 for security 'AAA' at 2020-01-06/);
      await rejectsCode(backtest({ strategy: 'sma_cross', data: good() }), 'NO_TARGETS', /6 bars per security/);
    });
    it('missing columns', async () => {
      await rejectsCode(backtest({ strategy: 'donchian_breakout', data: good() }), 'MISSING_COLUMN', /column 'high'/);
    });
  });

  it('reuses one workspace across runs without state leaking between them (the parameter-search path)', async () => {
    const close = Float64Array.from([100, 102, 101, 105, 103, 104, 108, 107]);
    const arrays = { securities: ['S'], offsets: Int32Array.from([0, 8]), time: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), timeUnit: 'day' as const, columns: { close }, categories: {}, rowCount: 8 };
    const market = createMarket(arrays, Float64Array.of(1), inferFrequency(arrays));
    const ws = createWorkspace(market);
    const config = { costRate: 0.001, lag: 1, execution: 'close' as const, periodsPerYear: 252 };
    const run = (target: number[]) => {
      ws.target.set(target);
      ws.signal.set(target);
      return Array.from(runEngine(market, config, ws));
    };
    const a = run([1, 1, 0, 1, 1, 0, 1, 1]);
    const b = run([-1, 0, -1, 0, -1, 0, -1, 0]);
    assert.notDeepEqual(a, b);
    assert.deepEqual(run([1, 1, 0, 1, 1, 0, 1, 1]), a);
    // and it agrees with the frame API on the same data
    const data = panel(close.reduce<Array<[string, string, number]>>((rows, c, i) => [...rows, ['S', `2020-01-${String(6 + i).padStart(2, '0')}`, c]], []), { want: [1, 1, 0, 1, 1, 0, 1, 1] });
    const viaApi = await backtest({ strategy: fromColumn, data, feeBps: 10, periodsPerYear: 252 });
    METRIC_NAMES.forEach((name, i) => assert.ok(Object.is(viaApi.metrics[name], a[i]) || Math.abs(viaApi.metrics[name] - a[i]) < 1e-12, name));
  });

  it('debug mode returns the full feature frame', async () => {
    const data = panel(days.map((d, i) => ['AAA', d, [10, 11, 12, 11, 13, 14][i]]));
    const result = await backtest({ strategy: 'sma_cross', params: { fast: 2, slow: 3 }, data, debug: true });
    assert.deepEqual(result.features!.columns, ['security_id', 'date', 'close', 'sma_fast', 'sma_slow', 'signal', 'target']);
    assert.equal(result.features!.height, 6);
  });
});
