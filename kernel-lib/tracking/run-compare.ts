import pl, { type DataType } from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { chart, type Chart, type Row } from '../plot/chart';
import type { RunHistory } from './run-history';
import type { RunRecord } from './run-record';

export interface ParamDiff {
  key: string;
  a: unknown;
  b: unknown;
  changed: boolean;
}

export interface MetricDiff {
  key: string;
  /** undefined: the run has no such metric; null: it was not finite. */
  a: number | null | undefined;
  b: number | null | undefined;
  /** b - a, or null when either side is missing. */
  diff: number | null;
}

export interface OverlaidSeries {
  /** The artifact both runs carry: 'equity' or 'ic'. */
  artifact: string;
  /** Long rows: one per (run, date). `run` is the run's label ('A: name' / 'B: name'). */
  rows: { date: string; run: string; value: number | null }[];
}

export interface RunComparison {
  a: RunRecord;
  b: RunRecord;
  /** Every param key of either run, changed ones first. */
  params: ParamDiff[];
  metrics: MetricDiff[];
  /** Present when both runs have an 'equity' (or else an 'ic') Parquet artifact. */
  series?: OverlaidSeries;
}

/** Artifacts that compare() overlays, in order of preference. */
export const OVERLAY_ARTIFACTS = ['equity', 'ic'] as const;

export async function compareRuns(history: RunHistory, idA: string, idB: string): Promise<RunComparison> {
  const [a, b] = await Promise.all([history.show(idA), history.show(idB)]);
  const paramKeys = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort();
  const params = paramKeys
    .map((key) => ({ key, a: a.params[key], b: b.params[key], changed: JSON.stringify(a.params[key]) !== JSON.stringify(b.params[key]) }))
    .sort((x, y) => Number(y.changed) - Number(x.changed));
  const metricKeys = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  const metrics = metricKeys.map((key) => {
    const va = a.metrics[key];
    const vb = b.metrics[key];
    return { key, a: va, b: vb, diff: typeof va === 'number' && typeof vb === 'number' ? vb - va : null };
  });
  const comparison: RunComparison = { a, b, params, metrics };
  for (const name of OVERLAY_ARTIFACTS) {
    const fa = a.artifacts.find((x) => x.name === name && x.type === 'parquet');
    const fb = b.artifacts.find((x) => x.name === name && x.type === 'parquet');
    if (!fa || !fb) continue;
    const rows = [
      ...(await seriesRows(history.artifactPath(a, name), name, runLabel('A', a))),
      ...(await seriesRows(history.artifactPath(b, name), name, runLabel('B', b))),
    ];
    comparison.series = { artifact: name, rows };
    break;
  }
  return comparison;
}

/** The overlaid equity (or IC) of two compared runs, or undefined when they carry none. */
export function compareChart(comparison: RunComparison): Chart | undefined {
  const s = comparison.series;
  if (!s) return undefined;
  return chart({
    title: `${s.artifact === 'ic' ? 'IC' : 'Equity'}: ${comparison.a.name} vs ${comparison.b.name}`,
    subtitle: `${comparison.a.run_id} (A) vs ${comparison.b.run_id} (B)`,
    x: { label: 'date', type: 'utc' },
    y: { label: s.artifact, grid: true },
    color: { legend: true },
    data: { series: { rows: s.rows as Row[], dateFields: ['date'] } },
    marks: [{ type: 'line', data: 'series', options: { x: 'date', y: 'value', stroke: 'run' } }],
  });
}

function runLabel(side: string, run: RunRecord): string {
  return `${side}: ${run.name}`;
}

/**
 * Reads a (date, value) series artifact: the date is the first Date/Datetime column (or one
 * named 'date'), the value the column named like the artifact, else the first numeric column.
 */
async function seriesRows(path: string, name: string, label: string): Promise<OverlaidSeries['rows']> {
  const df = await pl.scanParquet(path).collect();
  const dateCol = df.columns.find((c) => c === 'date') ?? df.columns.find((c) => isTemporal(df.getColumn(c).dtype));
  const valueCol = df.columns.includes(name) ? name : df.columns.find((c) => c !== dateCol && df.getColumn(c).dtype.isNumeric());
  if (!dateCol || !valueCol) {
    throw new QuantbookError('BAD_ARTIFACT', `${path}: a '${name}' series needs a date column and a numeric column (has ${df.columns.join(', ')})`, 'record the series as a frame with columns date and ' + name);
  }
  const out = df.select(pl.col(dateCol).cast(pl.Utf8).alias('date'), pl.col(valueCol).cast(pl.Float64).alias('value'));
  const dates = out.getColumn('date').toArray() as (string | null)[];
  const values = out.getColumn('value').toArray() as (number | null)[];
  const rows: OverlaidSeries['rows'] = [];
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (d === null) continue;
    const v = values[i];
    rows.push({ date: d.replace(' ', 'T'), run: label, value: v === null || !Number.isFinite(v) ? null : v });
  }
  return rows;
}

function isTemporal(dtype: DataType): boolean {
  const s = String(dtype);
  return s.startsWith('Date') || s.startsWith('Datetime');
}
