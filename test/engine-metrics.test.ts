import { strict as assert } from 'node:assert';
import { exposureMetricsKernel, Metric, metricsBuffer, returnMetricsKernel } from '../kernel-lib/kernels/metrics';
import { rollingBetaKernel, rollingSharpeKernel } from '../kernel-lib/kernels/metrics-rolling';
import { TradeStat, TRADE_STAT_SLOTS, tradeMetrics } from '../kernel-lib/kernels/trades';

function metrics(returns: number[], periodsPerYear = 252): Float64Array {
  const out = metricsBuffer();
  returnMetricsKernel(Float64Array.from(returns), periodsPerYear, out);
  // The scratch-buffer path (two-pass stability) must agree with the allocation-free online one.
  const viaScratch = metricsBuffer();
  returnMetricsKernel(Float64Array.from(returns), periodsPerYear, viaScratch, new Float64Array(returns.length));
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    const b = viaScratch[i];
    assert.ok(Object.is(a, b) || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)), `slot ${i}: ${a} vs ${b}`);
  }
  return out;
}

function close(actual: number, expected: number, tol = 1e-12): void {
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), `expected NaN, got ${actual}`);
  if (!Number.isFinite(expected)) return assert.equal(actual, expected);
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
}

describe('engine: metrics (empyrical conventions, docs/metrics.md)', () => {
  describe('hand-computed on r = [0.10, -0.05, 0.02, -0.10], daily (252 bars a year)', () => {
    const r = [0.1, -0.05, 0.02, -0.1];
    const m = metrics(r);
    // mean = (0.10 - 0.05 + 0.02 - 0.10) / 4 = -0.0075
    // deviations 0.1075, -0.0425, 0.0275, -0.0925; squares sum = 0.01155625 + 0.00180625 + 0.00075625 + 0.00855625 = 0.022675
    const mean = -0.0075;
    const std = Math.sqrt(0.022675 / 3); // ddof 1

    it('sharpe = mean / std(ddof 1) * sqrt(252)', () => close(m[Metric.sharpe], (mean / std) * Math.sqrt(252)));
    it('annual_volatility = std(ddof 1) * sqrt(252)', () => close(m[Metric.annual_volatility], std * Math.sqrt(252)));
    it('sortino = mean * 252 / (sqrt(mean over all bars of min(r,0)^2) * sqrt(252))', () => {
      // downside squares: 0.05^2 + 0.10^2 = 0.0125, averaged over all 4 bars = 0.003125
      close(m[Metric.sortino], (mean * 252) / (Math.sqrt(0.003125) * Math.sqrt(252)));
    });
    it('total_return = prod(1 + r) - 1', () => close(m[Metric.total_return], 1.1 * 0.95 * 1.02 * 0.9 - 1)); // 0.95931 - 1
    it('max_drawdown from the running peak 1.1 to the trough 0.95931', () => close(m[Metric.max_drawdown], 0.95931 / 1.1 - 1));
    it('cagr = prod(1 + r)^(252 / n) - 1', () => close(m[Metric.cagr], Math.pow(0.95931, 252 / 4) - 1));
    it('calmar = cagr / |max_drawdown|', () => close(m[Metric.calmar], (Math.pow(0.95931, 63) - 1) / (1 - 0.95931 / 1.1)));
    it('stability = R^2 of cumsum(log1p(r)) on 0..n-1', () => {
      const y = [Math.log(1.1), Math.log(1.1 * 0.95), Math.log(1.1 * 0.95 * 1.02), Math.log(0.95931)];
      const ym = y.reduce((a, b) => a + b) / 4;
      const x = [0, 1, 2, 3];
      const xm = 1.5;
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < 4; i++) {
        sxy += (x[i] - xm) * (y[i] - ym);
        sxx += (x[i] - xm) ** 2;
        syy += (y[i] - ym) ** 2;
      }
      close(m[Metric.stability], (sxy * sxy) / (sxx * syy), 1e-10);
    });
    it('bars = n', () => assert.equal(m[Metric.bars], 4));
  });

  it('annualizes with the given periods per year (weekly: 52)', () => {
    const m = metrics([0.01, 0.03, -0.02], 52);
    const mean = 0.02 / 3;
    const std = Math.sqrt(((0.01 - mean) ** 2 + (0.03 - mean) ** 2 + (-0.02 - mean) ** 2) / 2);
    close(m[Metric.sharpe], (mean / std) * Math.sqrt(52));
    close(m[Metric.cagr], Math.pow(1.01 * 1.03 * 0.98, 52 / 3) - 1);
  });

  describe('edge cases, as empyrical (numpy division)', () => {
    it('no bars: every return metric is NaN', () => {
      const m = metrics([]);
      for (const k of ['sharpe', 'sortino', 'max_drawdown', 'cagr', 'calmar', 'annual_volatility', 'total_return', 'stability'] as const) {
        assert.ok(Number.isNaN(m[Metric[k]]), k);
      }
    });
    it('one bar: sharpe, sortino, volatility, stability NaN; cagr = (1 + r)^252 - 1; max_drawdown 0 (a gain)', () => {
      const m = metrics([0.01]);
      assert.ok(Number.isNaN(m[Metric.sharpe]) && Number.isNaN(m[Metric.sortino]) && Number.isNaN(m[Metric.annual_volatility]) && Number.isNaN(m[Metric.stability]));
      close(m[Metric.cagr], 1.01 ** 252 - 1);
      assert.equal(m[Metric.max_drawdown], 0);
      assert.ok(Number.isNaN(m[Metric.calmar])); // no drawdown: calmar undefined
    });
    it('a loss on the first bar counts as drawdown (equity starts at 1)', () => {
      close(metrics([-0.2, 0.1])[Metric.max_drawdown], -0.2);
    });
    it('zero std with a positive mean: sharpe +Infinity; no losing bar: sortino +Infinity', () => {
      const m = metrics(new Array(9).fill(0.01));
      assert.equal(m[Metric.sharpe], Infinity);
      assert.equal(m[Metric.sortino], Infinity);
      close(m[Metric.stability], 1); // a straight line in log equity
    });
    it('all returns zero (never in the market): sharpe and sortino NaN (0/0), stability 0, calmar NaN', () => {
      const m = metrics([0, 0, 0, 0, 0]);
      assert.ok(Number.isNaN(m[Metric.sharpe]));
      assert.ok(Number.isNaN(m[Metric.sortino]));
      assert.equal(m[Metric.stability], 0);
      assert.equal(m[Metric.max_drawdown], 0);
      assert.ok(Number.isNaN(m[Metric.calmar]));
      assert.equal(m[Metric.total_return], 0);
    });
    it('NaN returns: skipped by mean/std, 0 in compounding, counted in CAGR length', () => {
      const m = metrics([NaN, 0.1, -0.1]);
      close(m[Metric.total_return], 1.1 * 0.9 - 1);
      close(m[Metric.cagr], Math.pow(0.99, 252 / 3) - 1);
      close(m[Metric.sharpe], (0 / Math.sqrt(0.02)) * Math.sqrt(252));
    });
  });

  describe("empyrical's own test vectors (quantopian/empyrical tests/test_stats.py), to 1e-8", () => {
    const mixed = [NaN, 1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100);
    const negative = [0, -6, -7, -1, -9, -2, -6, -8, -5].map((x) => x / 100);
    const positive = [1, 2, 1, 1, 1, 1, 1, 1, 1].map((x) => x / 100);
    const periodic = [0, 1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100);
    const eq = (a: number, b: number) => close(a, b, 1e-8);
    it('mixed_returns (daily)', () => {
      const m = metrics(mixed);
      eq(m[Metric.sharpe], 1.7238613961706866);
      eq(m[Metric.sortino], 2.605531251673693);
      eq(m[Metric.annual_volatility], 0.9136465399704637);
      eq(m[Metric.max_drawdown], -0.1);
      eq(m[Metric.cagr], 1.9135925373194231);
      eq(m[Metric.calmar], 19.135925373194233);
      eq(m[Metric.stability], 0.1529973665111273);
    });
    it('negative_returns and positive_returns (daily)', () => {
      const n = metrics(negative);
      eq(n[Metric.sharpe], -24.406808633910085);
      eq(n[Metric.sortino], -13.532743075043401);
      eq(n[Metric.max_drawdown], -0.36590730349873601);
      const p = metrics(positive);
      eq(p[Metric.sharpe], 52.915026221291804);
      assert.equal(p[Metric.sortino], Infinity);
      assert.equal(p[Metric.max_drawdown], 0);
    });
    it('weekly (52) and monthly (12) annualization', () => {
      const w = metrics(periodic, 52);
      eq(w[Metric.cagr], 0.24690830513998208);
      eq(w[Metric.annual_volatility], 0.38851569394870583);
      eq(w[Metric.calmar], 2.4690830513998208);
      eq(w[Metric.sortino], 1.1158901056866439);
      const mo = metrics(periodic, 12);
      eq(mo[Metric.cagr], 0.052242061386048144);
      eq(mo[Metric.annual_volatility], 0.18663690238892558);
      eq(mo[Metric.calmar], 0.52242061386048144);
      eq(mo[Metric.sortino], 0.53605626741889756);
    });
    it('one_return and flat_line_1 CAGR; [10%, -10%, 10%] max drawdown', () => {
      eq(metrics([0.01])[Metric.cagr], 11.274002099240244);
      eq(metrics(new Array(9).fill(0.01))[Metric.cagr], 11.274002099240256);
      eq(metrics([0.1, -0.1, 0.1])[Metric.max_drawdown], -0.1);
    });
    it('roll_sharpe_ratio(negative_returns, window=6)', () => {
      const out = new Float64Array(9);
      rollingSharpeKernel(Float64Array.from(negative), 6, 252, out);
      const expected = [-18.09162052, -26.79897486, -26.69138263, -25.72298838];
      expected.forEach((x, i) => eq(out[5 + i], x));
      assert.ok(Number.isNaN(out[4]));
    });
    it('roll_alpha_beta(mixed_returns, negative_returns, 6): the betas of the windows without the NaN', () => {
      const out = new Float64Array(8);
      rollingBetaKernel(Float64Array.from(mixed.slice(1)), Float64Array.from(negative.slice(1)), 6, out);
      [-0.76156584, -0.61682243, -0.41311475].forEach((x, i) => eq(out[5 + i], x));
    });
  });

  it('rolling kernels stay exact on long series (re-anchored sums)', () => {
    const n = 5000;
    const r = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 0.01 + 0.0002);
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.3) * 0.01);
    const sharpe = new Float64Array(n);
    const beta = new Float64Array(n);
    rollingSharpeKernel(r, 50, 252, sharpe);
    rollingBetaKernel(r, x, 50, beta);
    for (const t of [49, 1234, 4999]) {
      const w = Array.from(r.slice(t - 49, t + 1));
      const xs = Array.from(x.slice(t - 49, t + 1));
      const mean = w.reduce((a, b) => a + b) / 50;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 49);
      close(sharpe[t], (mean / sd) * Math.sqrt(252), 1e-9);
      const mx = xs.reduce((a, b) => a + b) / 50;
      const cov = w.reduce((a, b, i) => a + (b - mean) * (xs[i] - mx), 0);
      const varx = xs.reduce((a, b) => a + (b - mx) ** 2, 0);
      close(beta[t], cov / varx, 1e-9);
    }
  });

  describe('exposure and cost metrics', () => {
    it('turnover per year, bars in market, exposure, cost share, nan count by hand', () => {
      const out = metricsBuffer();
      exposureMetricsKernel(
        Float64Array.from([0, 1, 1, 0.5, 0]), // |position|
        Float64Array.from([0, 1, 0, 0.5, 0.5]), // turnover
        Float64Array.from([0, 0.02, -0.01, 0.03, 0]), // gross
        Float64Array.from([0, 0.001, 0, 0.0005, 0.0005]), // cost
        252, 2, out,
      );
      close(out[Metric.turnover], ((1 + 0.5 + 0.5) * 252) / 5); // 2 units traded over 5 bars = 100.8 a year
      assert.equal(out[Metric.bars_in_market], 3);
      close(out[Metric.exposure], 3 / 5);
      close(out[Metric.cost_share], 0.002 / 0.04); // costs 0.002 of a gross 0.04
      assert.equal(out[Metric.nan_count], 2);
    });
    it('cost_share is NaN when the gross return is not positive', () => {
      const out = metricsBuffer();
      exposureMetricsKernel(Float64Array.from([1, 1]), Float64Array.from([1, 0]), Float64Array.from([0, -0.01]), Float64Array.from([0.001, 0]), 252, 0, out);
      assert.ok(Number.isNaN(out[Metric.cost_share]));
    });
  });

  describe('trade statistics', () => {
    function stats(pnls: number[]): Float64Array {
      const s = new Float64Array(TRADE_STAT_SLOTS);
      for (const p of pnls) {
        s[TradeStat.count]++;
        if (p > 0) { s[TradeStat.wins]++; s[TradeStat.winSum] += p; }
        if (p < 0) { s[TradeStat.losses]++; s[TradeStat.lossSum] += p; }
      }
      const out = metricsBuffer();
      tradeMetrics(s, out, Metric);
      return out;
    }
    it('win rate, average win and loss, profit factor by hand', () => {
      // trades +10%, -5%, +20%, 0%: 2 wins of 4, wins average 15%, the loss -5%, factor 0.30 / 0.05 = 6
      const m = stats([0.1, -0.05, 0.2, 0]);
      assert.equal(m[Metric.trade_count], 4);
      close(m[Metric.win_rate], 0.5);
      close(m[Metric.avg_win], 0.15);
      close(m[Metric.avg_loss], -0.05);
      close(m[Metric.profit_factor], 6);
    });
    it('no losing trade: profit factor +Infinity, avg_loss NaN; no trade: NaN', () => {
      const m = stats([0.1]);
      assert.equal(m[Metric.profit_factor], Infinity);
      assert.ok(Number.isNaN(m[Metric.avg_loss]));
      const none = stats([]);
      assert.equal(none[Metric.trade_count], 0);
      assert.ok(Number.isNaN(none[Metric.win_rate]) && Number.isNaN(none[Metric.profit_factor]));
    });
  });

  it('random series with NaN bars: every return metric equals a plain computation from the definitions', () => {
    let seed = 5;
    const random = () => (seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(random() * 500);
      const r = Array.from({ length: n }, () => (random() < 0.05 ? NaN : (random() - 0.48) * 0.04));
      const m = metrics(r);
      const valid = r.filter((x) => !Number.isNaN(x));
      const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
      const std = Math.sqrt(valid.reduce((a, x) => a + (x - mean) ** 2, 0) / (valid.length - 1));
      const downside = Math.sqrt(valid.reduce((a, x) => a + Math.min(x, 0) ** 2, 0) / valid.length);
      let equity = 1;
      let peak = 1;
      let maxDrawdown = 0;
      for (const x of r) {
        equity *= Number.isNaN(x) ? 1 : 1 + x;
        peak = Math.max(peak, equity);
        maxDrawdown = Math.min(maxDrawdown, equity / peak - 1);
      }
      let y = 0;
      const ys = valid.map((x) => (y += Math.log1p(x)));
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      const mx = (ys.length - 1) / 2;
      const sxy = ys.reduce((a, v, k) => a + (k - mx) * (v - my), 0);
      const sxx = ys.reduce((a, _, k) => a + (k - mx) ** 2, 0);
      const syy = ys.reduce((a, v) => a + (v - my) ** 2, 0);
      close(m[Metric.sharpe], (mean / std) * Math.sqrt(252), 1e-9);
      close(m[Metric.sortino], (mean * 252) / (downside * Math.sqrt(252)), 1e-9);
      close(m[Metric.total_return], equity - 1);
      close(m[Metric.max_drawdown], maxDrawdown);
      close(m[Metric.cagr], Math.pow(equity, 252 / n) - 1, 1e-9);
      close(m[Metric.stability], (sxy * sxy) / (sxx * syy), 1e-9);
    }
  });
});
