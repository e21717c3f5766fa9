import * as Plot from '@observablehq/plot';
import { isChart, type Chart } from '../../kernel-lib/plot/chart';
import { toPlotOptions } from '../../kernel-lib/plot/plot-options';
import type { ActivationFunction, OutputItem } from './renderer-api';

/**
 * The notebook renderer for `application/vnd.quantbook.plot+json`: draws the Chart spec with
 * Observable Plot in the output webview, with the same marks as the static SVG
 * (toPlotOptions) plus pointer tooltips (withDefaultTip) and a color legend,
 * coloured by the VS Code theme through its CSS variables.
 */
export const activate: ActivationFunction = () => ({
  renderOutputItem(item: OutputItem, element: HTMLElement) {
    element.replaceChildren(renderChart(item.json(), element.ownerDocument));
  },
  disposeOutputItem() {
    // nothing is held beyond the DOM VS Code removes
  },
});

export function renderChart(value: unknown, document: Document): HTMLElement {
  ensureStyle(document);
  const root = document.createElement('div');
  root.className = 'quantbook-plot';
  if (!isChart(value)) {
    root.append(errorBox(document, 'This output is not a Quantbook chart (kind "quantbook.chart" expected).'));
    return root;
  }
  const chart = value as Chart;
  root.dataset.quantbookChart = chart.title ?? 'chart';
  if (chart.title) root.append(textElement(document, 'h3', 'quantbook-plot-title', chart.title));
  if (chart.subtitle) root.append(textElement(document, 'p', 'quantbook-plot-subtitle', chart.subtitle));
  try {
    const plot = Plot.plot({ ...toPlotOptions(withDefaultTip(chart), true), document });
    const legend = chart.color?.legend !== false && plot.scale('color') ? plot.legend('color') : undefined;
    if (legend) {
      const box = document.createElement('div');
      box.className = 'quantbook-plot-legend';
      box.append(legend);
      root.append(box);
    }
    root.append(plot);
  } catch (e) {
    root.append(errorBox(document, `Could not draw the chart: ${(e as Error).message}`));
  }
  if (chart.caption) root.append(textElement(document, 'p', 'quantbook-plot-caption', chart.caption));
  return root;
}

/** Marks that draw data points, so a pointer tooltip on them reads a value. */
const TIP_MARKS = new Set(['line', 'lineY', 'areaY', 'barY', 'barX', 'dot', 'cell', 'rectY', 'tickX', 'tickY']);

/**
 * Charts are interactive here even when their author did not ask: the first data mark gets
 * a tooltip unless some mark already says `tip` (true, false or a pointer mode), which wins.
 */
export function withDefaultTip(chart: Chart): Chart {
  if (chart.marks.some((m) => m.options !== undefined && 'tip' in m.options)) return chart;
  const first = chart.marks.findIndex((m) => m.data !== undefined && TIP_MARKS.has(m.type));
  if (first < 0) return chart;
  return { ...chart, marks: chart.marks.map((m, i) => (i === first ? { ...m, options: { ...m.options, tip: true } } : m)) };
}

const STYLE_ID = 'quantbook-plot-style';

/** Theme-following colours: axes and text use currentColor, tooltips the editor background. */
const CSS = `
.quantbook-plot { color: var(--vscode-editor-foreground, #222); font-family: var(--vscode-font-family, system-ui, sans-serif); padding: 4px 0; }
.quantbook-plot svg { --plot-background: var(--vscode-editor-background, #fff); max-width: 100%; height: auto; }
.quantbook-plot-title { font-size: 14px; font-weight: 600; margin: 0 0 2px; }
.quantbook-plot-subtitle, .quantbook-plot-caption { font-size: 12px; margin: 0 0 6px; color: var(--vscode-descriptionForeground, #666); }
.quantbook-plot-legend { font-size: 11px; margin-bottom: 4px; }
.quantbook-plot-error { color: var(--vscode-errorForeground, #c00); white-space: pre-wrap; }
`;

function ensureStyle(document: Document): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.append(style);
}

function textElement(document: Document, tag: string, className: string, text: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

function errorBox(document: Document, message: string): HTMLElement {
  return textElement(document, 'pre', 'quantbook-plot-error', message);
}
