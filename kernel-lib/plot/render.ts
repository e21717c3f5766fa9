import * as Plot from '@observablehq/plot';
import type { Chart } from './chart';
import { CHART_MIME } from './chart';
import { toPlotOptions } from './plot-options';

type JSDOMWindow = { document: Document; XMLSerializer: typeof XMLSerializer };
let cachedWindow: JSDOMWindow | undefined;

function domWindow(): JSDOMWindow {
  // jsdom is loaded on first use: it costs ~300 ms and most API calls draw nothing.
  if (!cachedWindow) {
    const { JSDOM } = require('jsdom') as typeof import('jsdom');
    cachedWindow = new JSDOM('<!DOCTYPE html><body></body>').window as unknown as JSDOMWindow;
  }
  return cachedWindow;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/**
 * A standalone SVG document for a chart: title, subtitle and color legend are drawn
 * inside the SVG (not as HTML around it) so the file stands on its own.
 */
export function renderSvg(chart: Chart): string {
  const window = domWindow();
  const document = window.document;
  const plot = Plot.plot({ ...toPlotOptions(chart, false), document }) as SVGSVGElement & Plot.Plot;
  const width = Number(plot.getAttribute('width'));
  const height = Number(plot.getAttribute('height'));
  const serializer = new window.XMLSerializer();

  const header: string[] = [];
  let y = 0;
  if (chart.title) header.push(text(8, (y += 20), chart.title, 15, 600));
  if (chart.subtitle) header.push(text(8, (y += 17), chart.subtitle, 12, 400, '#666'));
  const legend = chart.color?.legend === false ? undefined : plot.scale('color');
  if (legend && legend.domain && legend.range && ['ordinal', 'categorical'].includes(String(legend.type))) {
    y += 18;
    let x = 8;
    const range = Array.from(legend.range);
    Array.from(legend.domain).forEach((value, i) => {
      const color = String(range[i % range.length]);
      header.push(`<rect x="${x}" y="${y - 10}" width="10" height="10" fill="${escapeXml(color)}"/>`);
      header.push(text(x + 14, y, String(value), 11, 400));
      x += 30 + textWidth(String(value), 11);
    });
  }
  const top = y ? y + 8 : 0;
  const caption = chart.caption ? text(8, top + height + 16, chart.caption, 11, 400, '#666') : '';
  const total = top + height + (chart.caption ? 24 : 0);
  plot.setAttribute('y', String(top));
  const inner = serializer.serializeToString(plot).replace(/ xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, '');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" ` +
    `font-family='${FONT}' style="background:white">` +
    (chart.title ? `<title>${escapeXml(chart.title)}</title>` : '') +
    header.join('') + inner + caption + '</svg>'
  );
}

function text(x: number, y: number, s: string, size: number, weight: number, fill = '#222'): string {
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="${fill}">${escapeXml(s)}</text>`;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The notebook output for a chart: our own MIME type (drawn interactively by the VS Code
 * renderer) plus text/html holding the static SVG, which Jupyter, exports and GitHub show
 * (Jupyter's HTML export strips image/svg+xml and unknown types).
 */
export function chartMimeBundle(chart: Chart): Record<string, unknown> {
  return {
    [CHART_MIME]: chart,
    'text/html': `<div class="quantbook-chart">${renderSvg(chart)}</div>`,
  };
}

/** A generous estimate of rendered text width (no font metrics on the server): wide glyphs count more. */
function textWidth(s: string, size: number): number {
  let em = 0;
  for (const ch of s) em += /[mwMW@%]/.test(ch) ? 0.9 : /[A-Z0-9_]/.test(ch) ? 0.68 : /[il.,:;|!' ]/.test(ch) ? 0.3 : 0.56;
  return em * size;
}
