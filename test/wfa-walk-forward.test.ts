import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { z } from 'zod';
import { main } from '../kernel-lib/cli';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { backtest } from '../kernel-lib/engine/backtest';
import { dayToIso } from '../kernel-lib/kernels/bridge';
import { renderSvg } from '../kernel-lib/plot/render';
import { sma } from '../kernel-lib/indicators/sma';
import { defineStrategy } from '../kernel-lib/strategy/define';
import { walkForwardCharts } from '../kernel-lib/wfa/charts';
import type { WalkForwardResult } from '../kernel-lib/wfa/result';
import { walkForward } from '../kernel-lib/wfa/walk-forward';
import { sharedData, tempDir } from './helpers';

function dates(frame: pl.DataFrame): string[] {
  return Array.from(frame.getColumn('date').cast(pl.Int32).toTypedArray() as Int32Array, (d) => dayToIso(d));
}

/** Position of a full-history backtest with these params, by date. */
async function fullHistoryPositions(data: pl.DataFrame, params: Record<string, unknown>, feeBps: number): Promise<Map<string, number>> {
  const bt = await backtest({ strategy: 'sma_cross', params, data, feeBps });
  const d = dates(bt.frame);
  const p = bt.frame.getColumn('position').toArray() as number[];
  return new Map(d.map((day, i) => [day, p[i]]));
}

/** The stitched curve compounds the window returns, and its rows follow the test windows exactly. */
function checkStitching(r: WalkForwardResult): void {
  const equity = r.oos.getColumn('equity').toArray() as number[];
  const window = r.oos.getColumn('window').toArray() as number[];
  const net = r.oos.getColumn('net').toArray() as number[];
  const days = dates(r.oos);
  let compounded = 1;
  let row = 0;
  for (const w of r.windows) {
    compounded *= 1 + w.oos_return;
    const rows = window.filter((x) => x === w.index).length;
    assert.equal(rows, w.test_bars, `window ${w.index}: one row per test bar`);
    assert.equal(days[row], w.test_start);
    assert.equal(days[row + rows - 1], w.test_end);
    row += rows;
    // Equity at the window's last bar = product of (1 + window return) so far.
    assert.ok(Math.abs(equity[row - 1] / compounded - 1) < 1e-12, `window ${w.index}: ${equity[row - 1]} vs ${compounded}`);
  }
  assert.equal(row, r.oos.height);
  // Test periods never overlap: dates strictly increase through the stitched curve.
  for (let i = 1; i < days.length; i++) assert.ok(days[i] > days[i - 1], `${days[i - 1]} then ${days[i]}`);
  let value = 1;
  for (const x of net) value *= 1 + x;
  assert.ok(Math.abs(value - 1 - r.oos_metrics.total_return) < 1e-12);
  assert.ok(Math.abs(equity[equity.length - 1] / compounded - 1) < 1e-12);
}

describe('wfa: walk-forward analysis', () => {
  let panel: pl.DataFrame;
  before(() => {
    panel = syntheticPanel({ securities: 1, days: 1400, seed: 21 });
  });

  it('stitches the test windows into one compounded curve; window returns compound to it', async () => {
    const r = await walkForward({ strategy: 'sma_cross', data: panel, grid: 'fast=5..30:5,slow=20..120:20', train: 400, test: 200, feeBps: 10, threads: 0 });
    assert.equal(r.windows.length, 5);
    assert.equal(r.path, 'sweep');
    checkStitching(r);
    assert.equal(r.oos_metrics.bars, 1000);
    assert.ok(r.windows.every((w) => w.params && (w.params.fast as number) < (w.params.slow as number)));
  });

  it('a 200-bar SMA is valid on the first test bar: OOS positions equal the full-history backtest', async () => {
    const r = await walkForward({ strategy: 'sma_cross', data: panel, grid: 'fast=10|50,slow=200', train: 400, test: 250, feeBps: 10, threads: 0 });
    assert.ok(r.windows.length >= 3);
    const position = r.oos.getColumn('position').toArray() as number[];
    const days = dates(r.oos);
    let row = 0;
    let checked = 0;
    let windowsWithParams = 0;
    for (const w of r.windows) {
      if (!w.params) {
        // No trial traded in training (Sharpe 0/0 everywhere): the window stays flat.
        assert.match(w.error!, /no trial had a finite objective/);
        assert.deepEqual(position.slice(row, row + w.test_bars), new Array(w.test_bars).fill(0));
        row += w.test_bars;
        checked += w.test_bars;
        continue;
      }
      windowsWithParams++;
      assert.equal(w.warmup_bars, 201); // slow + lag
      const full = await fullHistoryPositions(panel, w.params, 10);
      // Every test bar, the first one included, holds the position of the full-history run.
      for (let i = row; i < row + w.test_bars; i++) {
        assert.equal(position[i], full.get(days[i]), `window ${w.index}, ${days[i]}`);
        checked++;
      }
      row += w.test_bars;
    }
    assert.equal(checked, r.oos.height);
    assert.ok(windowsWithParams >= 3);
    // Without the warm-up the SMA(200) does not exist on the first test bars: flat there.
    const cold = await walkForward({ strategy: 'sma_cross', data: panel, grid: 'fast=10|50,slow=200', train: 400, test: 250, feeBps: 10, threads: 0, warmup: 0 });
    const coldPosition = cold.oos.getColumn('position').toArray() as number[];
    assert.ok(cold.windows.every((w) => w.warmup_bars === 0 && (!w.params || w.oos_metrics.nan_count === 199)));
    assert.deepEqual(coldPosition.slice(0, 200), new Array(200).fill(0));
  });

  it('the first test bar pays for switching from the position held at the end of the previous window', async () => {
    const r = await walkForward({ strategy: 'sma_cross', data: panel, grid: 'fast=5..30:5,slow=20..120:20,allowShort=true|false', train: 300, test: 200, feeBps: 25, threads: 0 });
    const position = r.oos.getColumn('position').toArray() as number[];
    const turnover = r.oos.getColumn('turnover').toArray() as number[];
    const net = r.oos.getColumn('net').toArray() as number[];
    const gross = r.oos.getColumn('gross').toArray() as number[];
    let row = 0;
    let held = 0;
    let switches = 0;
    for (const w of r.windows) {
      assert.equal(turnover[row], Math.abs(position[row] - held), `window ${w.index}: boundary turnover`);
      assert.equal(w.boundary_turnover, Math.abs(position[row] - held));
      assert.ok(Math.abs(net[row] - (gross[row] - Math.abs(position[row] - held) * 0.0025)) < 1e-15);
      if (position[row] !== held) switches++;
      // Inside the window, turnover is the change of position bar to bar.
      for (let i = row + 1; i < row + w.test_bars; i++) assert.equal(turnover[i], Math.abs(position[i] - position[i - 1]));
      row += w.test_bars;
      held = position[row - 1];
    }
    assert.ok(switches > 0, 'some window starts with a trade');
  });

  it('training never sees test data; each test run sees only its warm-up and its own test bars', async () => {
    // A strategy that records the dates each run was given (runs on the calling thread).
    const seen: Array<{ first: number; last: number }> = [];
    const spy = defineStrategy({
      name: 'test_date_spy',
      version: '1.0.0',
      params: z.object({ fast: z.number().int().min(1).default(5), slow: z.number().int().min(2).default(20) }),
      features: (p) => ({ day: pl.col('date').cast(pl.Int32).cast(pl.Float64), f: sma('close', p.fast), s: sma('close', p.slow) }),
      target: () => ({
        kind: 'kernel' as const,
        inputs: ['day', 'f', 's'],
        run([day, f, s]: Float64Array[], out: Float64Array) {
          seen.push({ first: day[0], last: day[day.length - 1] });
          for (let t = 0; t < out.length; t++) out[t] = f[t] !== f[t] || s[t] !== s[t] ? NaN : f[t] > s[t] ? 1 : 0;
        },
      }),
    });
    for (const anchored of [false, true]) {
      seen.length = 0;
      const r = await walkForward({ strategy: spy, data: panel, grid: 'fast=5|10,slow=20|40', train: 300, test: 300, anchored, threads: 0 });
      const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
      // Per window: 4 trials + the best's full run on the training bars, then the test run.
      assert.equal(seen.length, r.windows.length * 6);
      r.windows.forEach((w, k) => {
        const runs = seen.slice(6 * k, 6 * k + 6);
        for (const run of runs.slice(0, 5)) {
          assert.equal(run.first, day(w.train_start));
          assert.equal(run.last, day(w.train_end));
          assert.ok(run.last < day(w.test_start), `window ${k}: training saw ${dayToIso(run.last)} >= test start ${w.test_start}`);
        }
        const test = runs[5];
        assert.ok(test.first < day(w.test_start), 'the test run starts in the warm-up');
        assert.equal(test.last, day(w.test_end), 'and ends with its own test window');
        if (k > 0) assert.ok(day(w.train_end) < day(w.test_start) && day(r.windows[k - 1].test_end) < day(w.test_start));
        if (anchored) assert.equal(w.train_start, r.windows[0].train_start);
      });
    }
  });

  it('a window where every trial fails is flat (after closing what was held) and the walk goes on', async () => {
    // slow = 450 needs 450 bars: the first 300-bar training window cannot compute it, the anchored ones later can.
    const r = await walkForward({ strategy: 'sma_cross', data: panel, grid: 'fast=10,slow=450', train: 300, test: 200, anchored: true, threads: 0 });
    assert.equal(r.windows[0].params, null);
    assert.match(r.windows[0].error!, /every trial failed.*all of them warm-up/);
    assert.equal(r.windows[0].oos_return, 0);
    const traded = r.windows.findIndex((w) => w.params !== null);
    assert.ok(traded > 0 && r.windows.slice(traded).every((w) => w.params !== null));
    // Nothing was held before them, so the flat windows cost nothing.
    assert.ok(r.windows.slice(0, traded).every((w) => w.oos_return === 0 && w.boundary_turnover === 0));
    checkStitching(r);
    assert.match(r.notes.join('\n'), /window 0: every trial failed/);
  });

  it('saves the per-window Parquet, the stitched curve and JSON; charts render', async () => {
    const dir = tempDir();
    const r = await walkForward({ strategy: 'sma_cross', data: panel, grid: 'fast=5..20:5,slow=30..90:30', train: '2y', test: '6m', threads: 0 });
    const saved = await r.save(dir);
    const table = pl.readParquet(saved.windows);
    assert.equal(table.height, r.windows.length);
    for (const c of ['window', 'train_start', 'train_end', 'test_start', 'test_end', 'param_fast', 'param_slow', 'is_sharpe', 'oos_sharpe', 'oos_return', 'warmup_bars', 'is_deflated_sharpe', 'boundary_turnover']) {
      assert.ok(table.columns.includes(c), c);
    }
    assert.match(String(table.getColumn('test_start').dtype), /Date/);
    assert.deepEqual(table.getColumn('param_fast').toArray(), r.windows.map((w) => w.params!.fast));
    const oos = pl.readParquet(saved.oos);
    assert.equal(oos.height, r.oos.height);
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.json')));
    for (const [name, chart] of Object.entries(walkForwardCharts(r))) assert.match(renderSvg(chart), /^<svg/, name);
  });

  it('real data (GOOG.csv): train 500, test 125, the full 7,830-pair grid; the CLI writes everything', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const { prices } = await loadPriceFile(goog);
    const r = await walkForward({ strategy: 'sma_cross', data: prices, grid: 'fast=5..50,slow=20..200', train: 500, test: 125, feeBps: 10 });
    assert.equal(r.windows.length, 14);
    assert.deepEqual(r.windows.map((w) => w.partial), [...new Array(13).fill(false), true]);
    assert.equal(r.n_param_sets, 7830);
    checkStitching(r);
    // The first window's test run, checked against a full-history backtest of its parameters.
    const w0 = r.windows[0];
    const full = await fullHistoryPositions(prices, w0.params!, 10);
    const position = r.oos.getColumn('position').toArray() as number[];
    assert.equal(position[0], full.get(w0.test_start));

    const dir = tempDir();
    let stdout = '';
    const log = console.log;
    console.log = (...xs: unknown[]) => { stdout += xs.join(' ') + '\n'; };
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['wfa', '--data', goog, '--strategy', 'sma_cross', '--grid', 'fast=5..50:5,slow=20..200:20', '--train', '2y', '--test', '6m', '--anchored', '--out', dir, '--json']);
    } finally {
      console.log = log;
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.equal(out.anchored, true);
    assert.equal(out.train, '2y');
    assert.ok(out.n_windows >= 12);
    assert.ok(out.windows.every((w: { train_start: string }) => w.train_start === '2004-08-19'));
    assert.equal(typeof out.oos_metrics.sharpe, 'number');
    const files = readdirSync(dir);
    for (const suffix of ['.windows.parquet', '.oos.parquet', '.json', '.oos_equity.svg', '.params.svg', '.is_vs_oos.svg']) {
      assert.ok(files.some((f) => /^SmaCross_GOOG_wfa_[0-9a-f]{10}/.test(f) && f.endsWith(suffix)), suffix);
    }
    assert.ok(join(dir, files[0]));
  });
});
