import * as Plot from '@observablehq/plot';
import type { Chart, Dataset, MarkSpec, ScaleSpec } from './chart';

/**
 * Turns a Chart into Observable Plot options. Shared by the server-side SVG renderer and
 * the VS Code notebook renderer, so both draw the same picture. No Node or DOM imports.
 */
export function toPlotOptions(chart: Chart, interactive: boolean): Plot.PlotOptions {
  const datasets = Object.fromEntries(Object.entries(chart.data).map(([name, ds]) => [name, materialize(ds)]));
  return {
    width: chart.width ?? 720,
    height: chart.height ?? 360,
    marginLeft: chart.marginLeft,
    marginBottom: chart.marginBottom,
    style: { fontSize: '11px', background: 'transparent', overflow: 'visible' },
    x: scale(chart.x),
    y: scale(chart.y),
    fx: scale(chart.fx),
    color: chart.color ? { ...scale(chart.color), legend: false } : undefined,
    marks: chart.marks.map((m) => toMark(m, datasets, interactive)),
  };
}

function materialize(ds: Dataset): Record<string, unknown>[] {
  if (!ds.dateFields?.length) return ds.rows;
  return ds.rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const f of ds.dateFields!) if (typeof row[f] === 'string') out[f] = new Date(row[f] as string);
    return out;
  });
}

function scale(s: ScaleSpec | undefined): Plot.ScaleOptions | undefined {
  if (!s) return undefined;
  const { legend: _legend, ...rest } = s;
  return rest as Plot.ScaleOptions;
}

const markFactories: Record<MarkSpec['type'], (data: any, options: any) => Plot.Markish> = {
  line: Plot.line, lineY: Plot.lineY, areaY: Plot.areaY, barY: Plot.barY, barX: Plot.barX, dot: Plot.dot,
  cell: Plot.cell, text: Plot.text, ruleX: Plot.ruleX, ruleY: Plot.ruleY, rectY: Plot.rectY,
  tickX: Plot.tickX, tickY: Plot.tickY, frame: (_d, o) => Plot.frame(o),
};

function toMark(m: MarkSpec, datasets: Record<string, unknown[]>, interactive: boolean): Plot.Markish {
  const factory = markFactories[m.type];
  if (!factory) throw new Error(`unknown mark type '${m.type}'`);
  const data = m.data !== undefined ? datasets[m.data] : m.values;
  if (m.data !== undefined && !data) throw new Error(`mark ${m.type} refers to missing dataset '${m.data}'`);
  const { tip, ...options } = m.options ?? {};
  return factory(data, interactive && tip ? { ...options, tip } : options);
}
