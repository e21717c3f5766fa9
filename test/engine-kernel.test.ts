import { strict as assert } from 'node:assert';
import { engineKernel, equityKernel, netReturnsKernel, type EngineOutputs, type Execution } from '../kernel-lib/kernels/engine';
import { unionTimeline } from '../kernel-lib/kernels/engine-portfolio';

function run(close: number[], target: number[], options: { costRate?: number; lag?: number; execution?: Execution; open?: number[] } = {}) {
  const n = close.length;
  const out: EngineOutputs = {
    position: new Float64Array(n), turnover: new Float64Array(n), assetReturn: new Float64Array(n),
    gross: new Float64Array(n), cost: new Float64Array(n), net: new Float64Array(n),
  };
  const missing = engineKernel(
    Float64Array.from(close), options.open ? Float64Array.from(options.open) : undefined, Float64Array.from(target),
    options.lag ?? 1, options.costRate ?? 0, options.execution ?? 'close', out,
  );
  const equity = new Float64Array(n);
  const drawdown = new Float64Array(n);
  equityKernel(out.net, equity, drawdown);
  return { ...out, equity, drawdown, missing };
}

function near(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('engine: the typed-array backtest kernel', () => {
  it('computes positions, turnover, returns, costs, net, equity and drawdown by hand (close fills)', () => {
    // close 100 -> 110 -> 99 -> 99 -> 108.9; targets 1, 1, 0, -1, NaN; 10 bps per unit traded.
    const r = run([100, 110, 99, 99, 108.9], [1, 1, 0, -1, NaN], { costRate: 0.001 });
    near(r.position, [0, 1, 1, 0, -1]); // position[t] = target[t-1], flat start
    near(r.turnover, [0, 1, 0, 1, 1]); // |position[t] - position[t-1]|
    near(r.assetReturn, [0, 0.1, -0.1, 0, 0.1]); // 110/100-1, 99/110-1, 99/99-1, 108.9/99-1
    near(r.gross, [0, 0.1, -0.1, 0, -0.1]); // position x return
    near(r.cost, [0, 0.001, 0, 0.001, 0.001]); // turnover x 0.001, on the bar the position changed
    near(r.net, [0, 0.099, -0.1, -0.001, -0.101]);
    // equity: 1, 1.099, 1.099*0.9 = 0.9891, 0.9891*0.999 = 0.9881109, 0.9881109*0.899 = 0.8883116991
    near(r.equity, [1, 1.099, 0.9891, 0.9881109, 0.8883116991]);
    // drawdown from the running peak 1.099: 0.9891/1.099-1 = -0.1, 0.9881109/1.099-1 = -0.1009, ...
    near(r.drawdown, [0, 0, -0.1, -0.1009, 0.8883116991 / 1.099 - 1]);
    assert.equal(r.missing, 1); // the NaN target of the last bar
  });

  it('treats a missing (NaN) target as flat: warm-up bars earn nothing and cost nothing', () => {
    const r = run([10, 11, 12, 13], [NaN, NaN, 1, 1], { costRate: 0.01 });
    near(r.position, [0, 0, 0, 1]);
    near(r.net, [0, 0, 0, 13 / 12 - 1 - 0.01]);
    assert.equal(r.missing, 2);
  });

  it('splits the bar at the open with next-open fills', () => {
    // opens 100, 105, 100; closes 100, 110, 99; target 1 on bar 0 only.
    const r = run([100, 110, 99], [1, 0, 0], { execution: 'open', open: [100, 105, 100], costRate: 0.001 });
    near(r.position, [0, 1, 0]);
    // bar 1: flat overnight (100 -> 105), long intraday 105 -> 110: gross = 110/105 - 1
    // bar 2: long overnight 110 -> 100, flat intraday: gross = 100/110 - 1
    near(r.gross, [0, 110 / 105 - 1, 100 / 110 - 1]);
    near(r.net, [0, 110 / 105 - 1 - 0.001, 100 / 110 - 1 - 0.001]);
    near(r.assetReturn, [0, 0.1, -0.1]); // the asset return stays close to close
  });

  it('next-open buy and hold earns the close-to-close return once in the position', () => {
    const close = [100, 102, 99, 105, 104];
    const open = [100, 101, 103, 98, 106];
    const r = run(close, [1, 1, 1, 1, 1], { execution: 'open', open });
    // bar 1 holds only from the open; afterwards overnight x intraday = close/prev close.
    near(r.gross, [0, 102 / 101 - 1, 99 / 102 - 1, 105 / 99 - 1, 104 / 105 - 1]);
  });

  it('identity: a zero position gives zero return and zero cost', () => {
    const r = run([5, 7, 3, 9, 1], [0, 0, 0, 0, 0], { costRate: 0.05 });
    near(r.net, [0, 0, 0, 0, 0]);
    near(r.cost, [0, 0, 0, 0, 0]);
    near(r.equity, [1, 1, 1, 1, 1]);
  });

  it('identity: costs scale linearly with the fee, gross returns do not change', () => {
    const close = [100, 101, 99, 102, 104, 103];
    const target = [1, -1, 0.5, 0.5, -0.25, 0];
    const a = run(close, target, { costRate: 0.0007 });
    const b = run(close, target, { costRate: 0.0021 });
    near(b.cost, Array.from(a.cost, (c) => 3 * c));
    near(b.gross, Array.from(a.gross));
    // turnover: |1-0|, |-1-1|, |0.5+1|, 0, |-0.25-0.5| on bars 1..5
    near(a.turnover, [0, 1, 2, 1.5, 0, 0.75]);
  });

  it('identity: one more bar of lag moves the position by one bar; shifting the data moves the equity curve by one bar', () => {
    const close = [100, 103, 101, 106, 104, 108, 107];
    const target = [1, 1, -1, 0, 1, -1, 1];
    const lag1 = run(close, target, { lag: 1 });
    const lag2 = run(close, target, { lag: 2 });
    near(lag2.position, [0, ...Array.from(lag1.position).slice(0, -1)]);
    // Prepend one bar (same price, no target): the whole curve comes one bar later.
    const later = run([100, ...close], [NaN, ...target], { lag: 1 });
    near(later.equity, [1, ...Array.from(lag1.equity)]);
    near(later.net, [0, ...Array.from(lag1.net)]);
  });

  it('has no lookahead: changing the last return does not change any position', () => {
    const target = [1, 0, 1, 1, 0];
    const a = run([10, 11, 12, 13, 14], target);
    const b = run([10, 11, 12, 13, 1], target);
    near(b.position, Array.from(a.position));
  });

  it('netReturnsKernel (the parameter-search path) equals the full kernel', () => {
    const close = Float64Array.from([100, 101, 99, 102, 104, 103, 99, 98]);
    const open = Float64Array.from([100, 100.5, 100, 101, 103, 104, 100, 99]);
    const target = Float64Array.from([NaN, 1, -1, 0.5, 0.5, -0.25, 0, 1]);
    for (const execution of ['close', 'open'] as const) {
      const full = run(Array.from(close), Array.from(target), { costRate: 0.002, execution, open: Array.from(open), lag: 1 });
      const net = new Float64Array(close.length);
      netReturnsKernel(close, open, target, 1, 0.002, execution, net);
      near(net, Array.from(full.net), 0);
    }
  });

  it('unionTimeline: one calendar shared by every security, and calendars that differ', () => {
    const offsets = Int32Array.from([0, 3, 6, 9]);
    assert.deepEqual([...unionTimeline(Int32Array.from([1, 2, 4, 1, 2, 4, 1, 2, 4]), offsets)], [1, 2, 4]);
    assert.deepEqual([...unionTimeline(Int32Array.from([1, 2, 4, 1, 3, 4, 2, 4, 5]), offsets)], [1, 2, 3, 4, 5]);
    assert.deepEqual([...unionTimeline(Int32Array.from([1, 2, 4, 1, 2]), Int32Array.from([0, 3, 5]))], [1, 2, 4]);
    assert.deepEqual([...unionTimeline(Int32Array.from([1, 1, 2, 1, 1, 2]), Int32Array.from([0, 3, 6]))], [1, 2]);
  });
});
