import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { researchSignals } from '../kernel-lib/research/analyze';
import { handPanel, signalTable } from './research-fixtures';

// A hand-worked panel: 4 securities x 8 dates (2020-01-01..08), horizon 1, 2 quantiles.
// Every expected number below is worked out from the closes in the comments.
const CLOSES: Record<string, number[]> = {
  A: [10, 11, 12, 13, 14, 15, 16, 17],
  B: [10, 9, 10, 9, 10, 9, 10, 9],
  C: [10, 10.5, 10, 10.5, 10, 10.5, 10, 10.5],
  D: [20, 22, 20, 22, 20, 22, 20, 22],
};
const prices = handPanel(Object.fromEntries(Object.entries(CLOSES).map(([s, c]) => [s, c.map((v, d) => [d + 1, v] as [number, number])])));
/** 1-bar forward return of security s from day d (1-based) to d + 1. */
const fwd = (s: string, d: number) => CLOSES[s][d] / CLOSES[s][d - 1] - 1;

// Known on day d = used at day d + 1 (the next bar), earning fwd(s, d + 1).
const SIGNAL = signalTable([
  // day 1 -> used day 2: signal ranks A1 B2 C3 D4
  ['A', 1, 1], ['B', 1, 2], ['C', 1, 3], ['D', 1, 4],
  // day 2 -> day 3: ties (A = B < C = D)
  ['A', 2, 1], ['B', 2, 1], ['C', 2, 2], ['D', 2, 2],
  // day 3 -> day 4: C missing
  ['A', 3, 4], ['B', 3, 3], ['D', 3, 1],
  // day 4 -> day 5: a single name
  ['A', 4, 9],
  // day 5 -> day 6: all equal
  ['A', 5, 7], ['B', 5, 7], ['C', 5, 7], ['D', 5, 7],
  // day 7 -> day 8: the last bar, no forward return
  ['A', 7, 1], ['B', 7, 2],
]);

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  const sxy = x.reduce((a, v, j) => a + (v - mx) * (y[j] - my), 0);
  return sxy / Math.sqrt(x.reduce((a, v) => a + (v - mx) ** 2, 0) * y.reduce((a, v) => a + (v - my) ** 2, 0));
}

describe('research: IC, quantiles and the data-loss account on a hand-worked panel', () => {
  let result: Awaited<ReturnType<typeof researchSignals>>;
  before(async () => {
    result = await researchSignals({ prices, signals: { hand: SIGNAL }, horizons: [1], quantiles: 2, lags: [1], regimes: false });
  });

  it('per-date IC: the Pearson correlation of average ranks, on the bar after the signal is known', () => {
    const ic = result.daily.pass.signals[0].ic[0];
    // day 2: fwd ranks D1 C2 A3 B4 -> IC([1,2,3,4], [3,4,2,1]) = -4 / 5 = -0.8
    assert.deepEqual([fwd('A', 2), fwd('B', 2), fwd('C', 2), fwd('D', 2)].map((v) => Math.sign(v)), [1, 1, -1, -1]);
    assert.ok(Math.abs(ic[1] - -0.8) < 1e-15);
    // day 3: signal ranks 1.5 1.5 3.5 3.5 (ties), fwd ranks A3 B1 C2 D4 -> 2 / sqrt(4 * 5)
    assert.ok(Math.abs(ic[2] - 2 / Math.sqrt(20)) < 1e-15);
    // day 4: C missing; ranks A3 B2 D1 vs fwd A2 B3 D1 -> 1 / 2
    assert.ok(Math.abs(ic[3] - 0.5) < 1e-15);
    // day 5: one name; day 6: all equal; day 8: no forward return -> no IC
    assert.ok([0, 4, 5, 6, 7].every((t) => Number.isNaN(ic[t])));
    assert.ok(Math.abs(ic[1] - pearson([1, 2, 3, 4], [3, 4, 2, 1])) < 1e-15);
  });

  it('IC statistics over the 3 dates with an IC: mean, std (ddof 1), ICIR, t-stat, share positive', () => {
    const values = [-0.8, 2 / Math.sqrt(20), 0.5];
    const mean = values.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    const h = result.signals[0].horizons[0];
    assert.equal(h.ic_dates, 3);
    assert.ok(Math.abs(h.ic_mean - mean) < 1e-15);
    assert.ok(Math.abs(h.ic_std - std) < 1e-15);
    assert.ok(Math.abs(h.icir - mean / std) < 1e-12);
    assert.ok(Math.abs(h.t_stat - mean / (std / Math.sqrt(3))) < 1e-12);
    assert.equal(h.share_positive, 2 / 3);
  });

  it('quantile buckets by min rank, means per date then over dates, demeaned, spread and monotonicity', () => {
    // k = 2, bucket = max(1, ceil((minRank - 1) * 2 / (n - 1)))
    // day 2 (n 4): A,B -> Q1; C,D -> Q2.  day 3 (min ranks 1 1 3 3): A,B -> Q1; C,D -> Q2.
    // day 4 (n 3, min ranks D1 B2 A3): D,B -> Q1; A -> Q2.  day 6 (all equal): all -> Q1, Q2 empty.
    const q1 = [(fwd('A', 2) + fwd('B', 2)) / 2, (fwd('A', 3) + fwd('B', 3)) / 2, (fwd('D', 4) + fwd('B', 4)) / 2, (fwd('A', 6) + fwd('B', 6) + fwd('C', 6) + fwd('D', 6)) / 4];
    const q2 = [(fwd('C', 2) + fwd('D', 2)) / 2, (fwd('C', 3) + fwd('D', 3)) / 2, fwd('A', 4)];
    const h = result.signals[0].horizons[0];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(h.quantile_mean_returns[0] - mean(q1)) < 1e-15);
    assert.ok(Math.abs(h.quantile_mean_returns[1] - mean(q2)) < 1e-15);
    assert.deepEqual(h.quantile_dates, [4, 3]);
    // demeaned: minus the mean of all used names that date
    const dayMean = [mean(['A', 'B', 'C', 'D'].map((s) => fwd(s, 2))), mean(['A', 'B', 'C', 'D'].map((s) => fwd(s, 3))), mean(['A', 'B', 'D'].map((s) => fwd(s, 4))), mean(['A', 'B', 'C', 'D'].map((s) => fwd(s, 6)))];
    assert.ok(Math.abs(h.quantile_mean_demeaned[0] - mean(q1.map((v, j) => v - dayMean[j]))) < 1e-15);
    // spread on the 3 dates with both buckets
    const spreads = q2.map((v, j) => v - q1[j]);
    assert.equal(h.spread_dates, 3);
    assert.ok(Math.abs(h.spread - mean(spreads)) < 1e-15);
    const sd = Math.sqrt(spreads.reduce((a, v) => a + (v - mean(spreads)) ** 2, 0) / 2);
    assert.ok(Math.abs(h.spread_t_stat - mean(spreads) / (sd / Math.sqrt(3))) < 1e-12);
    assert.equal(h.monotonicity, mean(q2) > mean(q1) ? 1 : -1);
  });

  it('accounts for every row of the panel', () => {
    const loss = result.signals[0].data_loss!;
    assert.equal(loss.panel_rows, 32);
    assert.equal(loss.rows_used, 16); // days 2, 3, 4, 5, 6 -> 4 + 4 + 3 + 1 + 4
    assert.equal(loss.rows_missing_forward, 2); // day 8
    assert.equal(loss.rows_missing_signal, 32 - 18);
    assert.equal(loss.panel_rows, loss.rows_missing_signal + loss.rows_missing_forward + loss.rows_used);
    assert.equal(loss.rows_on_dates_too_few_for_ic, 1); // day 5, one name
    assert.equal(loss.rows_on_dates_too_few_for_quantiles, 1);
    assert.deepEqual(loss.signal_rows_dropped, {}); // every table row reached a price row
    const cov = result.signals[0].coverage;
    assert.equal(cov.dates_used, 5);
    assert.equal(cov.dates_too_few_for_ic, 1);
    assert.equal(cov.min_names, 1);
    assert.equal(cov.max_names, 4);
    assert.equal(result.signals[0].rows_used, 16);
  });

  it('counts table rows the contract alignment drops (a value known on the last bar has no next bar)', async () => {
    const late = signalTable([['A', 1, 1], ['B', 1, 2], ['A', 8, 1]]);
    const r = await researchSignals({ prices, signals: { late }, horizons: [1], quantiles: 0, lags: [], regimes: false });
    assert.deepEqual(r.signals[0].data_loss!.signal_rows_dropped, { beyond_calendar_end: 1 });
    assert.equal(r.identity.signals.late.input_rows, 3);
  });

  it('rejects a table that fails the signal contract, naming the problem', async () => {
    const bad = pl.DataFrame({ security_id: ['A'], date_sig: ['2020-01-02'], date_avail: ['2020-01-01'], signal: [1] });
    await assert.rejects(researchSignals({ prices, signals: { bad }, horizons: [1], regimes: false }), (e: Error & { code?: string }) => e.code === 'INVALID_SIGNAL' && /bad/.test(e.message));
  });

  it('rejects bad parameters by name', async () => {
    await assert.rejects(researchSignals({ prices, signals: { hand: SIGNAL }, quantiles: 1 }), /parameter 'quantiles'/);
    await assert.rejects(researchSignals({ prices, signals: { hand: SIGNAL }, lags: [0] }), /parameter 'lags'/);
    await assert.rejects(researchSignals({ prices, signals: ['no_such_signal'] }), /'no_such_signal' is not a built-in signal/);
    await assert.rejects(researchSignals({ signals: ['momentum_12_1'] }), /needs prices/);
  });
});
