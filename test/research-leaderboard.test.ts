import { strict as assert } from 'node:assert';
import { leaderboard, leaderboardFrame } from '../kernel-lib/research/leaderboard';
import type { SignalResearch } from '../kernel-lib/research/signal-summary';

function fake(signal: string, h1: { ic: number; icir: number; spread: number }, coverage = 100): SignalResearch {
  const horizon = (h: number, x: typeof h1) => ({
    horizon: h, ic_mean: x.ic, ic_std: 0.1, icir: x.icir, t_stat: x.icir * 10, share_positive: 0.5, ic_dates: 100,
    quantile_mean_returns: [], quantile_mean_demeaned: [], quantile_dates: [], spread: x.spread, spread_std: 0.01, spread_t_stat: 1, spread_dates: 100, monotonicity: 1,
  });
  return {
    signal, rows_used: 1000, dates: 100, horizons: [horizon(1, h1), horizon(5, { ic: h1.ic / 2, icir: 0, spread: 0 })],
    autocorrelation: 0.9, autocorrelation_by_lag: [], turnover: [],
    coverage: { mean_names: coverage, min_names: 1, max_names: coverage, dates_with_signal: 100, dates_used: 100, dates_too_few_for_ic: 0, dates_too_few_for_quantiles: 0 },
  };
}

describe('research: leaderboard', () => {
  const signals = [
    fake('weak', { ic: 0.005, icir: 0.05, spread: 0.001 }),
    fake('strong_negative', { ic: -0.04, icir: -0.5, spread: -0.01 }),
    fake('good', { ic: 0.03, icir: 0.6, spread: 0.008 }, 20),
    fake('undefined', { ic: NaN, icir: NaN, spread: NaN }),
  ];

  it('one row per signal at the chosen horizon, sorted by |IC mean| by default, NaN last', () => {
    assert.deepEqual(leaderboard(signals).map((r) => r.signal), ['strong_negative', 'good', 'weak', 'undefined']);
    const at5 = leaderboard(signals, { horizon: 5 });
    assert.equal(at5.find((r) => r.signal === 'good')!.ic_mean, 0.015);
    assert.equal(at5[0].horizon, 5);
  });

  it('sorts by any column, signed or absolute, either direction', () => {
    assert.deepEqual(leaderboard(signals, { sortBy: 'icir', absolute: false }).map((r) => r.signal), ['good', 'weak', 'strong_negative', 'undefined']);
    assert.deepEqual(leaderboard(signals, { sortBy: 'coverage', descending: false }).map((r) => r.signal).slice(0, 1), ['good']);
  });

  it('filters: minimum |IC|, |ICIR|, coverage and any predicate', () => {
    assert.deepEqual(leaderboard(signals, { minAbsIc: 0.01 }).map((r) => r.signal), ['strong_negative', 'good']);
    assert.deepEqual(leaderboard(signals, { minAbsIcir: 0.55 }).map((r) => r.signal), ['good']);
    assert.deepEqual(leaderboard(signals, { minCoverage: 50 }).map((r) => r.signal), ['strong_negative', 'weak', 'undefined']);
    assert.deepEqual(leaderboard(signals, { filter: (r) => r.spread > 0 }).map((r) => r.signal), ['good', 'weak']);
  });

  it('names an unknown horizon or column; makes a polars frame', () => {
    assert.throws(() => leaderboard(signals, { horizon: 20 }), /horizon.*20 was not researched/);
    assert.throws(() => leaderboard(signals, { sortBy: 'sharpe' as never }), /not a leaderboard column/);
    const df = leaderboardFrame(leaderboard(signals));
    assert.deepEqual(df.columns.slice(0, 4), ['signal', 'horizon', 'ic_mean', 'icir']);
    assert.equal(df.height, 4);
  });
});
