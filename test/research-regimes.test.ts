import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { benchmarkLevels, equalWeightIndex, trendRegime, volatilityRegime, yearRegime } from '../kernel-lib/research/regimes';
import { researchSignals } from '../kernel-lib/research/analyze';
import { icByRegime, regimeRows } from '../kernel-lib/research/slices';
import { researchPanel } from '../kernel-lib/research/panel';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { isoToDay } from '../kernel-lib/kernels/bridge';

describe('research: regimes', function () {
  this.timeout(120000);

  it('equal-weight index: compounds the mean return of names with closes on both dates', () => {
    // 2 dates x 3 names; name 2 has no close on date 0
    const close = Float64Array.from([10, 20, NaN, 11, 18, 5]);
    const level = equalWeightIndex({ close, dates: 2, size: 3 });
    assert.deepEqual(Array.from(level), [1, 1 + (0.1 + -0.1) / 2]);
  });

  it('trend: bull when the level is above its window mean through t, undefined before the window fills', () => {
    const level = Float64Array.from([1, 2, 3, 2, 1, 5]);
    // window 3: t=2 mean(1,2,3)=2 -> 3 > 2 bull; t=3 mean(2,3,2)=2.33 -> bear; t=4 mean 2 -> bear; t=5 mean 2.67 -> bull
    assert.deepEqual(Array.from(trendRegime(level, 3).codes), [-1, -1, 0, 1, 1, 0]);
  });

  it('volatility: rolling std vs the expanding median of the vols so far (ties low)', () => {
    const level = Float64Array.from([100, 101, 99, 102, 102, 102, 110]);
    const r = volatilityRegime(level, 2);
    const ret = [NaN, 0.01, 99 / 101 - 1, 102 / 99 - 1, 0, 0, 110 / 102 - 1];
    const sd2 = (a: number, b: number) => Math.abs(a - b) / Math.SQRT2;
    const vols = [sd2(ret[1], ret[2]), sd2(ret[2], ret[3]), sd2(ret[3], ret[4]), sd2(ret[4], ret[5]), sd2(ret[5], ret[6])];
    const expected = [-1, -1];
    const seen: number[] = [];
    for (const v of vols) {
      seen.push(v);
      const s = [...seen].sort((a, b) => a - b);
      const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
      expected.push(v > med ? 0 : 1);
    }
    assert.deepEqual(Array.from(r.codes), expected);
  });

  it('never looks ahead: changing levels after t leaves every label up to t unchanged', () => {
    let s = 5;
    const level = Float64Array.from({ length: 400 }, (_, t) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return 100 + t * 0.1 + (s / 2 ** 32) * 10;
    });
    const cut = 250;
    const changed = Float64Array.from(level, (v, t) => (t > cut ? v * (t % 2 ? 3 : 0.2) : v));
    for (const f of [(l: Float64Array) => trendRegime(l, 200), (l: Float64Array) => volatilityRegime(l, 20)]) {
      const a = f(level).codes.subarray(0, cut + 1);
      const b = f(changed).codes.subarray(0, cut + 1);
      assert.deepEqual(Array.from(a), Array.from(b));
      assert.notDeepEqual(Array.from(f(level).codes.subarray(cut + 1)), Array.from(f(changed).codes.subarray(cut + 1)), 'the test changed something');
    }
  });

  it('benchmark levels: the latest close on or before each date; year labels', async () => {
    const calendar = Int32Array.from(['2020-01-02', '2020-01-03', '2020-01-06'].map(isoToDay));
    const bench = pl.DataFrame({ date: [new Date(Date.UTC(2020, 0, 3)), new Date(Date.UTC(2020, 0, 5))], close: [50, 60] }).withColumns(pl.col('date').cast(pl.Date));
    const levels = await benchmarkLevels(bench, calendar, 'day');
    assert.ok(Number.isNaN(levels[0]));
    assert.deepEqual(Array.from(levels.subarray(1)), [50, 60]);
    const years = yearRegime(Int32Array.from(['2019-12-31', '2020-01-02'].map(isoToDay)), 'day');
    assert.deepEqual(years.labels, ['2019', '2020']);
    assert.deepEqual(Array.from(years.codes), [0, 1]);
  });

  describe('slices', () => {
    const prices = syntheticPanel({ securities: 40, days: 420, seed: 11 });
    // two made-up sectors by security number
    const sectors = pl.DataFrame({ security_id: Array.from({ length: 40 }, (_, i) => `S${String(i + 1).padStart(4, '0')}`), sector: Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 'even' : 'odd')) });
    let result: Awaited<ReturnType<typeof researchSignals>>;
    before(async () => {
      result = await researchSignals({ prices, signals: ['reversal_5d'], horizons: [1, 5], quantiles: 3, lags: [1], regimes: { labels: [{ frame: sectors, column: 'sector' }] } });
    });

    it('a date-level slice is the statistic over the dates carrying the label', () => {
      const trend = result.regimes!.date_regimes.find((r) => r.name === 'trend')!;
      const ic = result.daily.pass.signals[0].ic[1];
      const bull = Array.from(ic).filter((v, t) => trend.codes[t] === 0 && Number.isFinite(v));
      const slice = result.regimes!.slices.find((s) => s.regime === 'trend' && s.label === 'bull')!;
      assert.ok(bull.length > 50);
      assert.ok(Math.abs(slice.signals[0].horizons[1].ic_mean - bull.reduce((a, b) => a + b, 0) / bull.length) < 1e-15);
      assert.equal(result.regimes!.unlabelled.trend, 199);
    });

    it('a group slice equals researching that group alone', async () => {
      for (const sector of ['even', 'odd']) {
        const members = (sectors.filter(pl.col('sector').eq(pl.lit(sector))).getColumn('security_id').toArray() as string[]);
        const alone = await researchSignals({ prices: prices.filter(pl.col('security_id').isIn(members)), signals: ['reversal_5d'], horizons: [1, 5], quantiles: 3, lags: [1], regimes: false });
        const slice = result.regimes!.slices.find((s) => s.regime === 'sector' && s.label === sector)!;
        for (const [j, h] of alone.signals[0].horizons.entries()) {
          const g = slice.signals[0].horizons[j];
          assert.ok(Math.abs(g.ic_mean - h.ic_mean) < 1e-12, `${sector} h${h.horizon}: ${g.ic_mean} vs ${h.ic_mean}`);
          g.quantile_mean_returns.forEach((q, b) => assert.ok(Math.abs(q - h.quantile_mean_returns[b]) < 1e-12));
        }
        assert.equal(slice.signals[0].rows_used, alone.signals[0].rows_used);
        assert.ok(Math.abs(slice.signals[0].autocorrelation - alone.signals[0].autocorrelation) < 1e-12);
      }
    });

    it('tables and the seed-style dictionary', () => {
      const rows = regimeRows(result.regimes!, 5);
      assert.ok(rows.some((r) => r.regime === 'volatility' && r.label === 'high_vol'));
      assert.ok(rows.some((r) => r.regime === 'year' && r.label === '2001'));
      const dict = icByRegime(result.regimes!, result.signals[0], 5);
      assert.equal(dict.overall, result.signals[0].horizons[1].ic_mean);
      assert.ok('trend:bull' in dict && 'trend:bear' in dict && 'volatility:low_vol' in dict && 'sector:odd' in dict);
    });

    it('group labels from the snapshot need a snapshot', async () => {
      const panel = await researchPanel(prices);
      await assert.rejects(researchSignals({ panel, signals: { x: { cells: new Float64Array(panel.dates * panel.size) } }, regimes: { groups: 'sector' } }), /needs a snapshot/);
    });
  });
});
