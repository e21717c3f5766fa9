import { strict as assert } from 'node:assert';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { backtest } from '../kernel-lib/engine/backtest';
import { deflatedSharpe, expectedMaxSharpe, normalCdf, normalQuantile, probabilisticSharpe, returnMoments } from '../kernel-lib/optimize/deflated-sharpe';
import { optimize } from '../kernel-lib/optimize/optimize';

const GAMMA = 0.5772156649015329;

/** An independent standard normal CDF: 0.5 + Simpson's rule on the density from 0 to x. */
function phi(x: number): number {
  const steps = 20_000;
  const h = x / steps;
  const density = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
  let sum = density(0) + density(x);
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * density(i * h);
  return 0.5 + (sum * h) / 3;
}

/** Its inverse by bisection. */
function phiInverse(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}

describe('optimize: deflated Sharpe ratio (Bailey and Lopez de Prado 2014)', () => {
  it('normal CDF and quantile match an independent integration and published values', () => {
    for (const x of [-4, -2.5, -1, -0.3, 0, 0.5, 1.2, 1.96, 3.1]) close(normalCdf(x), phi(x), 1e-13, `Phi(${x})`);
    close(normalCdf(1.96), 0.9750021048517795, 1e-15, 'Phi(1.96)');
    close(normalCdf(-8), 6.22096057427178e-16, 1e-28, 'Phi(-8)');
    for (const p of [0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1 / (100 * Math.E)]) close(normalQuantile(p), phiInverse(p), 1e-10, `quantile(${p})`);
    // Published (scipy.stats.norm.ppf) values, including the far tail the integration cannot resolve.
    close(normalQuantile(0.975), 1.959963984540054, 1e-13, 'quantile(0.975)');
    close(normalQuantile(1e-6), -4.753424308822899, 1e-12, 'quantile(1e-6)');
    close(normalCdf(normalQuantile(1e-9)), 1e-9, 1e-20, 'Phi(quantile(1e-9))');
  });

  it("reproduces the paper's numerical example: SR0 = 0.1132, DSR = 0.9004", () => {
    // N = 100 trials whose annualized Sharpe ratios vary with V = 1/2; the best: annualized 2.5
    // over T = 1250 daily returns (250 a year), skewness -3, kurtosis 10.
    const benchmark = expectedMaxSharpe(100, 0.5 / 250);
    close(benchmark, 0.1132, 5e-5, 'SR0 (per day)');
    const dsr = probabilisticSharpe(2.5 / Math.sqrt(250), benchmark, 1250, -3, 10);
    close(dsr, 0.9004, 5e-5, 'DSR');
  });

  it('a hand-worked case: moments, expected maximum and PSR step by step', () => {
    // Returns 1%, 1%, 1%, -3%: mean 0, m2 = 3e-4, m3 = -6e-6, m4 = 2.1e-7, so skewness
    // -6e-6 / (3e-4)^1.5 = -2/sqrt(3) and kurtosis 2.1e-7 / 9e-8 = 7/3.
    const returns = [0.01, 0.01, 0.01, -0.03];
    const m = returnMoments(returns);
    assert.equal(m.count, 4);
    close(m.skewness, -2 / Math.sqrt(3), 1e-12, 'skewness');
    close(m.kurtosis, 7 / 3, 1e-12, 'kurtosis');
    // Trials' per-bar Sharpe ratios 0.02, 0.05, 0.08, 0.11: mean 0.065, V = 0.0045 / 3 = 0.0015.
    const trialSharpes = [0.02, 0.05, 0.08, 0.11];
    const z = (1 - GAMMA) * phiInverse(1 - 1 / 4) + GAMMA * phiInverse(1 - 1 / (4 * Math.E));
    const sr0 = Math.sqrt(0.0015) * z;
    const sharpe = 0.3;
    const expected = phi(((sharpe - sr0) * Math.sqrt(3)) / Math.sqrt(1 + (2 / Math.sqrt(3)) * sharpe + ((7 / 3 - 1) / 4) * sharpe * sharpe));
    const d = deflatedSharpe({ trialSharpes, sharpe, returns, periodsPerYear: 252 });
    assert.equal(d.trials, 4);
    close(d.sharpeVariance, 0.0015, 1e-15, 'V');
    close(d.benchmark, sr0, 1e-10, 'SR0');
    close(d.value, expected, 1e-10, 'DSR');
    // One trial: no selection, SR0 = 0 and DSR = PSR(0); non-finite trial Sharpes are left out.
    const single = deflatedSharpe({ trialSharpes: [0.3, NaN], sharpe, returns, periodsPerYear: 252 });
    assert.equal(single.trials, 1);
    assert.equal(single.benchmark, 0);
    close(single.value, phi((0.3 * Math.sqrt(3)) / Math.sqrt(1 + (2 / Math.sqrt(3)) * 0.3 + (1 / 3) * 0.09)), 1e-10, 'PSR(0)');
  });

  it('more trials raise the bar: the expected maximum grows with N and the DSR falls', () => {
    const values = [2, 10, 100, 1000, 10000].map((n) => expectedMaxSharpe(n, 0.001));
    for (let i = 1; i < values.length; i++) assert.ok(values[i] > values[i - 1]);
    const dsr = [10, 1000].map((n) => probabilisticSharpe(0.08, expectedMaxSharpe(n, 0.001), 1000, 0, 3));
    assert.ok(dsr[1] < dsr[0]);
  });

  it("optimize() deflates the best trial's Sharpe by all trials, with the best's own returns", async () => {
    const data = syntheticPanel({ securities: 1, days: 1200, seed: 9 });
    const r = await optimize({ strategy: 'sma_cross', data, grid: 'fast=3..30:3,slow=20..100:20', feeBps: 10, threads: 0 });
    const root = Math.sqrt(252);
    // Independently: the best's returns from backtest(), the trials' Sharpe ratios from the table.
    const bt = await backtest({ strategy: 'sma_cross', params: r.best!.params, data, feeBps: 10 });
    const net = bt.portfolio.getColumn('net').toArray() as number[];
    const expected = deflatedSharpe({ trialSharpes: r.trials.map((t) => t.metrics.sharpe / root), sharpe: bt.metrics.sharpe / root, returns: net, periodsPerYear: 252 });
    const d = r.deflated_sharpe!;
    assert.equal(d.trials, r.trials.length);
    assert.equal(d.observations, 1200);
    close(d.sharpe, bt.metrics.sharpe / root, 1e-15, 'best sharpe');
    close(d.value, expected.value, 1e-12, 'DSR');
    assert.ok(d.value > 0 && d.value < 1);
  });
});
