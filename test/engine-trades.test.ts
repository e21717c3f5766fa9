import { strict as assert } from 'node:assert';
import { engineKernel, type EngineOutputs } from '../kernel-lib/kernels/engine';
import { countTrades, scanTrades, TradeStat, TRADE_STAT_SLOTS, tradeLogBuffers } from '../kernel-lib/kernels/trades';

function trades(close: number[], position: number[], options: { open?: number[]; costRate?: number; signal?: number[]; lag?: number } = {}) {
  const n = close.length;
  const log = tradeLogBuffers(countTrades(Float64Array.from(position)));
  const stats = new Float64Array(TRADE_STAT_SLOTS);
  const k = scanTrades(
    Float64Array.from(close), options.open ? Float64Array.from(options.open) : undefined, Float64Array.from(position),
    Float64Array.from(options.signal ?? new Array(n).fill(NaN)), options.lag ?? 1, options.costRate ?? 0,
    options.open ? 'open' : 'close', stats, log,
  );
  return { k, log, stats };
}

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('engine: trades reconstructed from the position vector', () => {
  it('close fills: a long, a short closed by a reversal, and a long still open at the end', () => {
    const close = [100, 110, 121, 110, 99, 99, 108.9];
    const position = [0, 1, 1, 0, -1, -1, 1];
    const { k, log, stats } = trades(close, position, { costRate: 0.01, signal: [0.7, 0.2, 0.1, -0.4, -0.3, 0.9, 0.5] });
    assert.equal(k, 3);
    // Trade 1, long bars 1-2: entry bar 1 + 10% - 1% cost = 1.09; bar 2 +10% = 1.1; exit on bar 3 pays 1%: 0.99.
    near(log.pnl[0], 1.09 * 1.1 * 0.99 - 1);
    assert.deepEqual([log.entryFillIndex[0], log.exitFillIndex[0], log.entryBar[0], log.exitBar[0]], [0, 2, 1, 3]);
    assert.deepEqual([log.entryPrice[0], log.exitPrice[0], log.side[0], log.isOpen[0]], [100, 121, 1, 0]);
    near(log.entrySignal[0], 0.7); // signal[entry bar - lag]
    // Trade 2, short bars 4-5: 99/110 - 1 = -10% earns +10% less 1% = 1.09; bar 5 flat price; the reversal on bar 6 charges its exit 1%.
    near(log.pnl[1], 1.09 * 1 * 0.99 - 1);
    assert.deepEqual([log.side[1], log.entryFillIndex[1], log.exitFillIndex[1], log.entryPrice[1], log.exitPrice[1]], [-1, 3, 5, 110, 99]);
    near(log.entrySignal[1], -0.4);
    // Trade 3, long from bar 6, open at the end: +10% less its 1% entry; no exit cost; marked at the last close.
    near(log.pnl[2], 1 + 0.1 - 0.01 - 1);
    assert.deepEqual([log.isOpen[2], log.exitFillIndex[2], log.exitBar[2], log.exitPrice[2]], [1, 6, 7, 108.9]);
    // Stats: three winners.
    assert.deepEqual([stats[TradeStat.count], stats[TradeStat.wins], stats[TradeStat.losses]], [3, 3, 0]);
  });

  it('open fills: the overnight gap belongs to the position held before the open', () => {
    const close = [100, 110, 121, 110];
    const open = [100, 105, 115, 120];
    const { log } = trades(close, [0, 1, 1, 0], { open, costRate: 0.01 });
    // entry at open[1] = 105: (110/105 - 0.01); bar 2 overnight and intraday: 121/110; exit at open[3] = 120: (120/121 - 0.01)
    near(log.pnl[0], (110 / 105 - 0.01) * (121 / 110) * (120 / 121 - 0.01) - 1);
    assert.deepEqual([log.entryFillIndex[0], log.exitFillIndex[0], log.entryPrice[0], log.exitPrice[0]], [1, 3, 105, 120]);
  });

  it('trades separated by flat bars compound exactly to the equity curve (both fill modes)', () => {
    const close = [50, 52, 51, 55, 54, 53, 56, 58, 57, 60];
    const open = [50, 51, 52, 54, 55, 52, 55, 57, 58, 59];
    const target = [1, 1, 0, 0, -1, -1, 0, 0.5, 0.5, 0];
    for (const execution of ['close', 'open'] as const) {
      const n = close.length;
      const out: EngineOutputs = { position: new Float64Array(n), turnover: new Float64Array(n), assetReturn: new Float64Array(n), gross: new Float64Array(n), cost: new Float64Array(n), net: new Float64Array(n) };
      engineKernel(Float64Array.from(close), Float64Array.from(open), Float64Array.from(target), 1, 0.003, execution, out);
      const { k, log } = trades(close, Array.from(out.position), { open: execution === 'open' ? open : undefined, costRate: 0.003 });
      assert.equal(k, 3);
      let fromTrades = 1;
      for (let i = 0; i < k; i++) fromTrades *= 1 + log.pnl[i];
      const fromEquity = out.net.reduce((acc, r) => acc * (1 + r), 1);
      near(fromTrades, fromEquity, 1e-13);
    }
  });

  it('scaling within a trade stays one trade and pays the resize cost', () => {
    const { k, log } = trades([100, 100, 110, 110, 110], [0, 0.5, 1, 1, 0], { costRate: 0.01 });
    assert.equal(k, 1);
    // bar 1: 0.5 long, price flat, entry cost 0.5%; bar 2: +10% on 1.0, resize cost 0.5%; bar 3 flat; exit 1%
    near(log.pnl[0], (1 - 0.005) * (1 + 0.1 - 0.005) * 1 * (1 - 0.01) - 1);
    near(log.size[0], 0.5);
  });

  it('counts trades as sign changes into a non-zero position', () => {
    assert.equal(countTrades(Float64Array.from([0, 1, 1, 0, -1, -1, 1])), 3);
    assert.equal(countTrades(Float64Array.from([0, 0, 0])), 0);
    assert.equal(countTrades(Float64Array.from([0, 0.5, 1, 0.2, 0])), 1);
  });

  it('random paths (reversals, resizes, flat gaps, both fills): the trade-by-trade scan equals a bar-by-bar reference', () => {
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(random() * 40);
      const close: number[] = [];
      const open: number[] = [];
      const position: number[] = [];
      let price = 100;
      for (let t = 0; t < n; t++) {
        open.push(price * (1 + (random() - 0.5) * 0.02));
        price = open[t] * (1 + (random() - 0.5) * 0.06);
        close.push(price);
        const u = random();
        position.push(t > 0 && u < 0.5 ? position[t - 1] : u < 0.65 ? 0 : u < 0.8 ? 1 : u < 0.9 ? -1 : (random() - 0.5) * 2);
      }
      for (const byOpen of [false, true]) {
        const { k, log, stats } = trades(close, position, { costRate: 0.002, open: byOpen ? open : undefined });
        const expected = referenceTrades(close, open, position, 0.002, byOpen);
        assert.equal(k, expected.length, `trial ${trial}`);
        expected.forEach((e, i) => {
          assert.deepEqual([log.entryBar[i], log.exitBar[i], log.isOpen[i]], [e.a, e.b, e.open ? 1 : 0], `trial ${trial} trade ${i}`);
          assert.ok(Object.is(log.pnl[i], e.pnl), `trial ${trial} trade ${i}: ${log.pnl[i]} vs ${e.pnl}`);
        });
        assert.equal(stats[TradeStat.count], expected.length);
      }
    }
  });
});

/**
 * Trades by the definition, one bar at a time: a trade is a run of one sign; every bar it holds
 * multiplies its factor by (1 + overnight part of the old position) x (1 + rest of the bar on
 * the new one) - cost of the change; its exit bar contributes the overnight part and the exit cost.
 */
function referenceTrades(close: number[], open: number[], position: number[], costRate: number, byOpen: boolean) {
  const out: Array<{ a: number; b: number; pnl: number; open: boolean }> = [];
  const sign = (p: number) => (p > 0 ? 1 : p < 0 ? -1 : 0);
  let side = 0;
  let factor = 1;
  let entry = 0;
  let previous = 0;
  for (let t = 0; t < position.length; t++) {
    const p = position[t];
    const before = t > 0 && byOpen ? open[t] / close[t - 1] - 1 : 0;
    const after = t === 0 ? 0 : byOpen ? close[t] / open[t] - 1 : close[t] / close[t - 1] - 1;
    if (side !== 0 && sign(p) !== side) {
      factor *= 1 + previous * before - Math.abs(previous) * costRate;
      out.push({ a: entry, b: t, pnl: factor - 1, open: false });
      side = 0;
    }
    if (side === 0 && sign(p) !== 0) {
      side = sign(p);
      entry = t;
      factor = 1 + p * after - Math.abs(p) * costRate;
    } else if (side !== 0) {
      factor *= (1 + previous * before) * (1 + p * after) - Math.abs(p - previous) * costRate;
    }
    previous = p;
  }
  if (side !== 0) out.push({ a: entry, b: position.length, pnl: factor - 1, open: true });
  return out;
}
