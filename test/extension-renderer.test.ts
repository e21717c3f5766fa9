import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import { chart } from '../kernel-lib/plot/chart';
import { activate, renderChart, withDefaultTip } from '../extension/renderer/plot-renderer';

describe('extension: the notebook renderer draws chart specs with Observable Plot', () => {
  const spec = chart({
    title: 'Equity',
    subtitle: 'two strategies',
    caption: 'fees included',
    x: { type: 'utc' },
    data: {
      eq: {
        dateFields: ['date'],
        rows: [
          { date: '2020-01-01', equity: 1, strategy: 'a' },
          { date: '2020-01-02', equity: 1.1, strategy: 'a' },
          { date: '2020-01-01', equity: 1, strategy: 'b' },
          { date: '2020-01-02', equity: 0.9, strategy: 'b' },
        ],
      },
    },
    marks: [{ type: 'line', data: 'eq', options: { x: 'date', y: 'equity', stroke: 'strategy', tip: true } }],
  });

  function dom() {
    return new JSDOM('<!DOCTYPE html><head></head><body></body>').window.document;
  }

  it('draws title, subtitle, a legend, the plot with one line per series and an interactive tip, and the caption', () => {
    const document = dom();
    const root = renderChart(JSON.parse(JSON.stringify(spec)), document);
    assert.equal(root.className, 'quantbook-plot');
    assert.equal(root.dataset.quantbookChart, 'Equity');
    assert.equal(root.querySelector('.quantbook-plot-title')?.textContent, 'Equity');
    assert.equal(root.querySelector('.quantbook-plot-subtitle')?.textContent, 'two strategies');
    assert.equal(root.querySelector('.quantbook-plot-caption')?.textContent, 'fees included');
    const svg = [...root.children].find((c) => c.tagName.toLowerCase() === 'svg')!;
    assert.ok(svg, 'the plot svg is a direct child');
    assert.equal(svg.querySelectorAll('path[d^="M"]').length >= 2, true);
    // the tip mark is what makes hover tooltips: Plot adds a pointer-driven group for it
    assert.ok(svg.querySelector('g[aria-label="tip"]'), 'a tip mark is present');
    const legend = root.querySelector('.quantbook-plot-legend');
    assert.ok(legend, 'a color legend is drawn');
    assert.match(legend!.textContent ?? '', /a.*b/s);
  });

  it('themes through VS Code CSS variables, with one shared style element', () => {
    const document = dom();
    renderChart(spec, document);
    renderChart(spec, document);
    const styles = document.querySelectorAll('#quantbook-plot-style');
    assert.equal(styles.length, 1);
    assert.match(styles[0].textContent ?? '', /--plot-background: var\(--vscode-editor-background/);
    assert.match(styles[0].textContent ?? '', /color: var\(--vscode-editor-foreground/);
  });

  it('shows a readable message for something that is not a chart, and for a broken spec', () => {
    const document = dom();
    assert.match(renderChart({ hello: 1 }, document).textContent ?? '', /not a Quantbook chart/);
    const broken = { ...spec, marks: [{ type: 'line', data: 'missing', options: {} }] };
    assert.match(renderChart(broken, document).textContent ?? '', /Could not draw the chart: .*missing dataset 'missing'/);
  });

  it('the activation function renders an output item into its element', async () => {
    const document = dom();
    const element = document.createElement('div');
    document.body.append(element);
    const api = await activate({});
    await api.renderOutputItem({ id: '1', mime: 'application/vnd.quantbook.plot+json', metadata: {}, json: () => spec, text: () => '', data: () => new Uint8Array() }, element, new AbortController().signal);
    assert.ok(element.querySelector('.quantbook-plot svg'));
  });

  it('gives the first data mark a tooltip unless the chart already decides about tips', () => {
    const plain = chart({
      data: { d: { rows: [{ x: 1, y: 2 }] } },
      marks: [{ type: 'ruleY', values: [0] }, { type: 'line', data: 'd', options: { x: 'x', y: 'y' } }, { type: 'dot', data: 'd', options: { x: 'x', y: 'y' } }],
    });
    assert.deepEqual(withDefaultTip(plain).marks.map((m) => m.options?.tip), [undefined, true, undefined]);
    const optOut = { ...plain, marks: [plain.marks[0], { ...plain.marks[1], options: { x: 'x', y: 'y', tip: false } }] };
    assert.equal(withDefaultTip(optOut), optOut);
    const noData = chart({ data: {}, marks: [{ type: 'frame' }] });
    assert.equal(withDefaultTip(noData), noData);
    // and the drawn plot carries the tip mark
    const svg = renderChart(plain, dom()).querySelector('svg:not(.quantbook-plot-legend svg)');
    assert.ok(svg?.querySelector('g[aria-label="tip"]'));
  });
});
