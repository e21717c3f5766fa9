import { inspect } from 'node:util';
import { isChart } from '../plot/chart';
import { chartMimeBundle, escapeXml } from '../plot/render';
import type { MimeBundle } from './protocol';

/** Rows of a frame shown inline; longer frames show the first and last half of this. */
const FRAME_ROWS = 20;

/**
 * Shows values as notebook outputs: a Chart as one bundle (`application/vnd.quantbook.plot+json`
 * drawn interactively by the VS Code renderer, plus `text/html` with a static SVG for
 * Jupyter and exports), a polars frame as a table, anything else as text.
 *
 * Works in the Quantbook kernel and in Jupyter's tslab kernel; outside a notebook it prints
 * the text form.
 */
export function show(...values: unknown[]): void {
  for (const value of values) {
    const bundle = mimeBundle(value);
    const sink = tslabDisplaySink();
    if (sink) sink({ data: bundle, metadata: {}, transient: {} }, false);
    else console.log(bundle['text/plain']);
  }
}

/** Alias of `show`, for people coming from IPython. */
export const display = show;

/** The MIME bundle a value is shown as. Values can define their own with a `toMimeBundle()` method. */
export function mimeBundle(value: unknown): MimeBundle {
  if (isChart(value)) return { ...chartMimeBundle(value), 'text/plain': `Chart${value.title ? `: ${value.title}` : ''}` };
  const custom = (value as { toMimeBundle?: () => MimeBundle } | null)?.toMimeBundle;
  if (typeof custom === 'function') return custom.call(value);
  if (isFrame(value)) return frameBundle(value);
  if (typeof value === 'string') return { 'text/plain': value };
  return { 'text/plain': inspect(value, { depth: 4, colors: false, maxArrayLength: 50, breakLength: 100 }) };
}

interface FrameLike {
  columns: string[];
  height: number;
  width: number;
  head(n: number): FrameLike;
  tail(n: number): FrameLike;
  toRecords(): Record<string, unknown>[];
  toString(): string;
  dtypes: unknown[];
}

function isFrame(value: unknown): value is FrameLike {
  const v = value as FrameLike;
  return typeof v === 'object' && v !== null && Array.isArray(v.columns) && typeof v.height === 'number' && typeof v.toRecords === 'function' && typeof v.head === 'function';
}

function frameBundle(df: FrameLike): MimeBundle {
  const half = FRAME_ROWS / 2;
  const truncated = df.height > FRAME_ROWS;
  const top = truncated ? df.head(half).toRecords() : df.toRecords();
  const bottom = truncated ? df.tail(half).toRecords() : [];
  const dtypes = df.dtypes.map((d) => String(d).replace(/^DataType\((.*)\)$/, '$1'));
  const cell = (v: unknown) => `<td>${escapeXml(formatCell(v))}</td>`;
  const row = (r: Record<string, unknown>) => `<tr>${df.columns.map((c) => cell(r[c])).join('')}</tr>`;
  const html = [
    '<table class="quantbook-frame">',
    `<thead><tr>${df.columns.map((c, i) => `<th title="${escapeXml(dtypes[i] ?? '')}">${escapeXml(c)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...top.map(row),
    truncated ? `<tr>${df.columns.map(() => '<td>…</td>').join('')}</tr>` : '',
    ...bottom.map(row),
    '</tbody></table>',
    `<p class="quantbook-frame-shape">${df.height.toLocaleString('en-US')} rows × ${df.width} columns</p>`,
  ].join('');
  return { 'text/plain': String(df), 'text/html': html };
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return v.toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

type WriteDisplayData = (data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

/**
 * tslab's display channel, `require('tslab/dist/jupyter').lastWriteDisplayData`, which the
 * running kernel sets for each execution. We look it up in the module cache rather than
 * requiring 'tslab' because the running tslab may be another copy (Jupyter's global
 * install) than the one next to this bundle, and because tslab's public `display.raw`
 * sends one MIME type per output, not a bundle.
 */
function tslabDisplaySink(): WriteDisplayData | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const sink = (mod?.exports as { lastWriteDisplayData?: WriteDisplayData } | undefined)?.lastWriteDisplayData;
    if (typeof sink === 'function') return sink;
  }
  return undefined;
}
