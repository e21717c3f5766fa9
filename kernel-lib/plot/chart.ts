/**
 * A chart is plain, JSON-serializable data: named datasets plus a list of Observable Plot
 * marks that refer to them. The same object renders to a static SVG on the server
 * (render.ts), travels to the VS Code renderer as `application/vnd.quantbook.plot+json`,
 * and is drawn there interactively with the same mark list (plot-options.ts).
 */
export const CHART_MIME = 'application/vnd.quantbook.plot+json';

export type Cell = number | string | boolean | null;
export type Row = Record<string, Cell>;

export interface Dataset {
  rows: Row[];
  /** Fields holding ISO dates ('2015-01-05' or full timestamps); turned into Date objects when drawn. */
  dateFields?: string[];
}

export type MarkType =
  | 'line' | 'lineY' | 'areaY' | 'barY' | 'barX' | 'dot' | 'cell' | 'text'
  | 'ruleX' | 'ruleY' | 'rectY' | 'tickX' | 'tickY' | 'frame';

export interface MarkSpec {
  type: MarkType;
  /** Name of a dataset in `Chart.data`; omitted for marks that need no data (frame, a constant rule). */
  data?: string;
  /** For rules and ticks without data: the constant values to draw. */
  values?: Cell[];
  options?: Record<string, Cell | Cell[]>;
}

export interface ScaleSpec {
  label?: string;
  type?: 'linear' | 'log' | 'utc' | 'band' | 'point' | 'ordinal' | 'symlog';
  domain?: Cell[];
  grid?: boolean;
  tickFormat?: string;
  percent?: boolean;
  nice?: boolean;
  zero?: boolean;
  reverse?: boolean;
  /** Color scales only. */
  scheme?: string;
  legend?: boolean;
}

export interface Chart {
  kind: 'quantbook.chart';
  version: 1;
  title?: string;
  subtitle?: string;
  caption?: string;
  width?: number;
  height?: number;
  marginLeft?: number;
  marginBottom?: number;
  x?: ScaleSpec;
  y?: ScaleSpec;
  fx?: ScaleSpec;
  color?: ScaleSpec;
  data: Record<string, Dataset>;
  marks: MarkSpec[];
}

export function chart(spec: Omit<Chart, 'kind' | 'version'>): Chart {
  return { kind: 'quantbook.chart', version: 1, ...spec };
}

export function isChart(value: unknown): value is Chart {
  return typeof value === 'object' && value !== null && (value as Chart).kind === 'quantbook.chart';
}

/** Rows from parallel columns; Date values become ISO day strings, NaN becomes null. */
export function rowsFromColumns(columns: Record<string, ArrayLike<number | string | boolean | Date | null>>): Row[] {
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]].length : 0;
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: Row = {};
    for (const name of names) row[name] = toCell(columns[name][i]);
    rows[i] = row;
  }
  return rows;
}

export function toCell(v: number | string | boolean | Date | null | undefined): Cell {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString().slice(0, v.getUTCHours() || v.getUTCMinutes() ? 19 : 10);
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
