import { strict as assert } from 'node:assert';
import { researchSignals } from '../kernel-lib/research/analyze';
import { icFrame, quantileFrame, coverageFrame } from '../kernel-lib/research/frames';
import { icDecay } from '../kernel-lib/research/decay';
import { syntheticPanel } from '../kernel-lib/data/synthetic';

describe('research: per-date frames and the decay helper', function () {
  this.timeout(120000);
  const prices = syntheticPanel({ securities: 25, days: 120, seed: 4 });

  it('icFrame / quantileFrame / coverageFrame hold the per-date series, undefined as null', async () => {
    const r = await researchSignals({ prices, signals: ['reversal_5d'], horizons: [1, 5], quantiles: 4, lags: [1], regimes: false });
    const T = r.daily.calendar.length;
    const ic = icFrame(r);
    assert.equal(ic.height, T * 2);
    const values = ic.getColumn('ic').toArray() as (number | null)[];
    const expected = [...r.daily.pass.signals[0].ic[0], ...r.daily.pass.signals[0].ic[1]];
    values.forEach((v, j) => (Number.isNaN(expected[j]) ? assert.equal(v, null) : assert.equal(v, expected[j])));
    const q = quantileFrame(r);
    assert.equal(q.height, T * 2 * 4);
    assert.deepEqual(q.columns, ['date', 'signal', 'horizon', 'quantile', 'mean_return', 'demeaned_return', 'names']);
    const cov = coverageFrame(r);
    assert.deepEqual(Array.from(cov.getColumn('names_used').toArray() as number[]), Array.from(r.daily.pass.signals[0].used));
  });

  it('icDecay gives the IC mean of each horizon, as researchSignals does with the same horizons', async () => {
    const horizons = [1, 3, 10];
    const decay = await icDecay({ prices, signals: ['reversal_5d'], horizons });
    const full = await researchSignals({ prices, signals: ['reversal_5d'], horizons, regimes: false });
    assert.deepEqual(decay.map((d) => d.horizon), horizons);
    decay.forEach((d, j) => assert.equal(d.ic_mean, full.signals[0].horizons[j].ic_mean));
  });
});
