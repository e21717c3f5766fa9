import { strict as assert } from 'node:assert';
import { chart, renderSvg, chartMimeBundle, CHART_MIME } from '../kernel-lib';

describe('plot: chart specs render to standalone SVG', () => {
  const spec = chart({
    title: 'Two lines',
    x: { type: 'utc', label: 'date' },
    y: { label: 'value', grid: true },
    data: {
      series: {
        dateFields: ['date'],
        rows: [
          { date: '2015-01-05', value: 1, name: 'a' },
          { date: '2015-01-06', value: 2, name: 'a' },
          { date: '2015-01-05', value: 3, name: 'b' },
          { date: '2015-01-06', value: 1, name: 'b' },
        ],
      },
    },
    marks: [{ type: 'line', data: 'series', options: { x: 'date', y: 'value', stroke: 'name' } }],
  });

  it('draws an svg with xmlns, title, a path per series and a legend', () => {
    const svg = renderSvg(spec);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<title>Two lines<\/title>/);
    assert.equal((svg.match(/<path [^>]*d="M/g) ?? []).length >= 2, true);
    assert.match(svg, />a<\/text>.*>b<\/text>/s);
  });

  it('is JSON-serializable and round-trips into the MIME bundle', () => {
    const bundle = chartMimeBundle(JSON.parse(JSON.stringify(spec)));
    assert.deepEqual(bundle[CHART_MIME], spec);
    assert.match(String(bundle['text/html']), /<svg/);
  });
});
