import { strict as assert } from 'node:assert';
import { researchSignals } from '../kernel-lib/research/analyze';
import { researchPanel } from '../kernel-lib/research/panel';
import { syntheticPanel } from '../kernel-lib/data/synthetic';

describe('research: signal correlation matrix and duplicates', function () {
  this.timeout(60000);

  it('monotone transforms correlate 1, negation -1, independent noise ~0; duplicates flagged at |corr| >= threshold', async () => {
    const panel = await researchPanel(syntheticPanel({ securities: 50, days: 120, seed: 5 }));
    const n = panel.dates * panel.size;
    let s = 7;
    const uniform = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const a = Float64Array.from({ length: n }, uniform);
    const cube = a.map((x) => 2 * x ** 3 + 1); // same order as a
    const negated = a.map((x) => -x);
    const noise = Float64Array.from({ length: n }, uniform);
    // a with holes: correlation over the names both have is still exactly 1 (ranks recomputed on the common names)
    const holes = a.map((x, c) => (c % 7 === 3 ? NaN : x));
    const r = await researchSignals({ panel, signals: { a: { cells: a }, cube: { cells: cube }, negated: { cells: negated }, noise: { cells: noise }, holes: { cells: holes } }, horizons: [1], quantiles: 0, lags: [], regimes: false, duplicateThreshold: 0.8 });
    const c = r.correlation!;
    const at = (x: string, y: string) => c.matrix[c.signals.indexOf(x)][c.signals.indexOf(y)];
    assert.ok(Math.abs(at('a', 'cube') - 1) < 1e-12);
    assert.ok(Math.abs(at('a', 'negated') + 1) < 1e-12);
    assert.ok(Math.abs(at('a', 'holes') - 1) < 1e-12);
    assert.ok(Math.abs(at('negated', 'holes') + 1) < 1e-12);
    assert.ok(Math.abs(at('a', 'noise')) < 0.05);
    assert.equal(at('noise', 'a'), at('a', 'noise'));
    assert.equal(at('a', 'a'), 1);
    assert.equal(c.dates[c.signals.indexOf('a')][c.signals.indexOf('cube')], panel.dates);
    const pairs = c.duplicates.map((d) => [d.a, d.b].sort().join('~')).sort();
    assert.deepEqual(pairs, ['a~cube', 'a~holes', 'a~negated', 'cube~holes', 'cube~negated', 'holes~negated']);
    assert.ok(c.duplicates.every((d) => !d.a.includes('noise') && !d.b.includes('noise')));
  });

  it('a single signal has no matrix; correlation: false skips it', async () => {
    const prices = syntheticPanel({ securities: 20, days: 40, seed: 1 });
    const one = await researchSignals({ prices, signals: ['reversal_5d'], horizons: [1], regimes: false });
    assert.equal(one.correlation, null);
    const off = await researchSignals({ prices, signals: ['reversal_5d', 'momentum_12_1'], horizons: [1], regimes: false, correlation: false });
    assert.equal(off.correlation, null);
    // 40 bars: momentum_12_1 (needs 253) has no value at all - reported, not an error
    const momentum = off.signals[1];
    assert.equal(momentum.rows_used, 0);
    assert.ok(Number.isNaN(momentum.horizons[0].ic_mean));
    assert.equal(momentum.data_loss!.rows_missing_signal, momentum.data_loss!.panel_rows);
  });
});
