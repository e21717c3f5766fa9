import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { researchSignals } from '../kernel-lib/research/analyze';
import { researchPanel } from '../kernel-lib/research/panel';
import { forwardReturns } from '../kernel-lib/research/forward-returns';
import { syntheticPanel } from '../kernel-lib/data/synthetic';

// Textbook identities on a synthetic panel (no ../shared needed).
describe('research: identities', function () {
  this.timeout(120000);
  const prices = syntheticPanel({ securities: 60, days: 300, seed: 3 });

  it('a signal equal to its own future return has IC 1 on every date (through the contract alignment)', async () => {
    // Known at day d's close, used at the next bar t = d + 1: the value is close[t+5] / close[t] - 1,
    // i.e. exactly the 5-bar forward return measured from the bar it is used at (deliberate lookahead).
    const rows = await prices.lazy()
      .sort(['security_id', 'date'])
      .select(
        pl.col('security_id'),
        pl.col('date').alias('date_sig'),
        pl.col('date').alias('date_avail'),
        pl.col('close').shift(-6).over('security_id').div(pl.col('close').shift(-1).over('security_id')).minus(1).alias('signal'),
      )
      .filter(pl.col('signal').isNotNull())
      .collect();
    const r = await researchSignals({ prices, signals: { future: rows }, horizons: [5], quantiles: 5, lags: [], regimes: false });
    const ic = r.daily.pass.signals[0].ic[0];
    const defined = Array.from(ic).filter((x) => Number.isFinite(x));
    assert.ok(defined.length > 250);
    assert.ok(defined.every((x) => Math.abs(x - 1) < 1e-12), 'IC = 1 wherever defined');
    const h = r.signals[0].horizons[0];
    assert.ok(Math.abs(h.ic_mean - 1) < 1e-12);
    assert.equal(h.monotonicity, 1);
    assert.ok(h.quantile_mean_returns.every((q, b) => b === 0 || q > h.quantile_mean_returns[b - 1]), 'bucket means strictly increasing');
  });

  it('the same signal known one bar later has a much smaller IC: alignment uses nothing before it is available', async () => {
    const panel = await researchPanel(prices);
    const fwd = forwardReturns(panel, [1]).values[0];
    // cells given directly at the research dates: cell (t, i) = fwd_1 at (t, i) -> IC 1
    const direct = await researchSignals({ panel, signals: { direct: { cells: fwd } }, horizons: [1], quantiles: 0, lags: [], regimes: false });
    assert.ok(Math.abs(direct.signals[0].horizons[0].ic_mean - 1) < 1e-12);
    // the same values moved one date later (what a date-one-bar-late table would do): no longer the future
    const shifted = new Float64Array(fwd.length).fill(NaN);
    shifted.set(fwd.subarray(0, fwd.length - panel.size), panel.size);
    const late = await researchSignals({ panel, signals: { late: { cells: shifted } }, horizons: [1], quantiles: 0, lags: [], regimes: false });
    assert.ok(Math.abs(late.signals[0].horizons[0].ic_mean) < 0.1);
  });

  it('a random signal has IC mean near 0 over many dates (|t| small)', async () => {
    const panel = await researchPanel(prices);
    let s = 99;
    const cells = new Float64Array(panel.dates * panel.size).map(() => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    });
    const r = await researchSignals({ panel, signals: { noise: { cells } }, horizons: [1, 5], quantiles: 5, lags: [1], regimes: false });
    for (const h of r.signals[0].horizons) {
      assert.ok(h.ic_dates > 250);
      assert.ok(Math.abs(h.ic_mean) < 0.03, `h${h.horizon}: IC mean ${h.ic_mean}`);
      assert.ok(Math.abs(h.t_stat) < 4, `h${h.horizon}: t ${h.t_stat}`);
    }
    // an i.i.d. signal has no memory: lag-1 rank autocorrelation near 0
    assert.ok(Math.abs(r.signals[0].autocorrelation) < 0.05);
  });

  it('a constant-rank signal has autocorrelation 1 and zero bucket turnover', async () => {
    const panel = await researchPanel(prices);
    const cells = new Float64Array(panel.dates * panel.size);
    for (let t = 0; t < panel.dates; t++) for (let i = 0; i < panel.size; i++) cells[t * panel.size + i] = i * 0.5 + t; // same order every date
    const r = await researchSignals({ panel, signals: { fixed: { cells } }, horizons: [1], quantiles: 4, lags: [1, 5], regimes: false });
    assert.ok(r.signals[0].autocorrelation_by_lag.every((a) => Math.abs(a.mean - 1) < 1e-12));
    assert.ok(r.signals[0].turnover.every((t) => t.by_bucket.every((x) => x === 0)));
  });

  it('identity records the data, parameters and timing convention', async () => {
    const r = await researchSignals({ prices, signals: ['reversal_5d'], horizons: [1], quantiles: 0, lags: [], regimes: false });
    assert.equal(r.identity.data.securities, 60);
    assert.equal(r.identity.data.start, '2000-01-03'); // syntheticPanel's default start
    assert.match(r.identity.params.timing, /first bar strictly after/);
    assert.equal(r.identity.signals.reversal_5d.source, 'builtin');
  });
});
