import { strict as assert } from 'node:assert';
import { researchSignals, type ResearchResult } from '../kernel-lib/research/analyze';
import { correlationHeatmap, cumulativeReturnsChart, icDecayChart, icSeriesChart, quantileReturnsChart, regimeChart } from '../kernel-lib/research/charts';
import { renderSvg, chartMimeBundle, CHART_MIME } from '../kernel-lib';
import { syntheticPanel } from '../kernel-lib/data/synthetic';

describe('research: charts', function () {
  this.timeout(120000);
  let result: ResearchResult;
  before(async () => {
    result = await researchSignals({ prices: syntheticPanel({ securities: 30, days: 300, seed: 2 }), signals: ['momentum_12_1', 'reversal_5d'], horizons: [1, 5, 10], quantiles: 5, lags: [1] });
  });

  it('IC series: one point per date with an IC, the rolling mean, a zero rule', () => {
    const spec = icSeriesChart(result, 'reversal_5d', 5, { window: 20 });
    const defined = Array.from(result.daily.pass.signals[1].ic[1]).filter(Number.isFinite).length;
    assert.equal(spec.data.ic.rows.length, defined);
    assert.equal(spec.data.ic.rows.filter((r) => r.mean !== null).length, defined - 19);
    const svg = renderSvg(spec);
    assert.match(svg, /reversal_5d: daily Spearman IC, 5-bar forward returns/);
    assert.equal((svg.match(/<path [^>]*d="M/g) ?? []).length >= 2, true);
  });

  it('quantile bars: k bars, demeaned variant, explains Q1', () => {
    const spec = quantileReturnsChart(result, 'reversal_5d', 10);
    assert.deepEqual(spec.data.buckets.rows.map((r) => r.bucket), ['Q1', 'Q2', 'Q3', 'Q4', 'Q5']);
    assert.deepEqual(spec.data.buckets.rows.map((r) => r.mean_return), result.signals[1].horizons[2].quantile_mean_returns);
    const svg = renderSvg(quantileReturnsChart(result, 'reversal_5d', 10, { demeaned: true }));
    assert.match(svg, /demeaned by date/);
    assert.equal((svg.match(/<rect /g) ?? []).length >= 5, true);
  });

  it('decay, cumulative returns, regimes and the correlation heatmap render', () => {
    const decay = icDecayChart(result);
    assert.equal(decay.data.decay.rows.length, 2 * 3);
    const cum = cumulativeReturnsChart(result, 'reversal_5d');
    assert.ok(cum.data.growth.rows.every((r) => typeof r.growth === 'number' && (r.growth as number) > 0));
    const regimes = regimeChart(result, 5);
    assert.ok(regimes.data.regimes.rows.some((r) => String(r.slice).startsWith('trend: bull')));
    const heat = correlationHeatmap(result);
    assert.equal(heat.data.cells.rows.length, 4);
    for (const spec of [decay, cum, regimes, heat]) {
      const svg = renderSvg(spec);
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, new RegExp(`<title>${spec.title!.replace(/[()]/g, '.')}</title>`));
      // plain data: survives JSON and travels as the notebook MIME bundle
      assert.deepEqual(chartMimeBundle(JSON.parse(JSON.stringify(spec)))[CHART_MIME], JSON.parse(JSON.stringify(spec)));
    }
  });

  it('names an unknown signal or horizon', () => {
    assert.throws(() => icSeriesChart(result, 'nope'), /signal 'nope' is not in this research/);
    assert.throws(() => quantileReturnsChart(result, 'reversal_5d', 20), /horizon.*20 was not researched/);
  });
});
