import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { cellSource, type JupyterOutput, type Notebook, type NotebookCell } from '../notebook/ipynb';
import type { NotebookProvenance } from '../notebook/notebook-runner';
import { escapeXml as escapeHtml } from '../plot/render';
import { renderMarkdown } from './notebook-markdown';
import { highlightTypeScript } from './notebook-highlight';
import { REPORT_CSS } from './notebook-style';

export interface NotebookHtmlOptions {
  title?: string;
  /** Where relative image paths in Markdown resolve from (the notebook's folder). */
  baseDir?: string;
  provenance?: NotebookProvenance;
  /** Cells that failed, by index (shown with a marker). */
  failedCells?: number[];
}

/**
 * One self-contained HTML page for an executed notebook: inline CSS, charts as inline SVG,
 * images as data: URLs, no scripts and no network references. Ends with the
 * reproducibility footer when `provenance` is given.
 */
export function notebookToHtml(nb: Notebook, options: NotebookHtmlOptions = {}): string {
  const title = options.title ?? firstHeading(nb) ?? 'Notebook';
  const failed = new Set(options.failedCells ?? []);
  const cells = nb.cells.map((cell, i) => renderCell(cell, i, failed.has(i), options)).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="Quantbook ${escapeHtml(options.provenance?.versions.quantbook ?? '')}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body><main class="notebook">',
    cells,
    options.provenance ? renderFooter(options.provenance, nb) : '',
    '</main></body></html>',
    '',
  ].join('\n');
}

function renderCell(cell: NotebookCell, index: number, failed: boolean, options: NotebookHtmlOptions): string {
  const source = cellSource(cell);
  if (cell.cell_type === 'markdown') {
    const attachments = (cell.attachments ?? {}) as Record<string, Record<string, string>>;
    const html = renderMarkdown(source, { resolveImage: (src) => resolveImage(src, attachments, options.baseDir) });
    return `<section class="cell markdown" id="cell-${index}">${html}</section>`;
  }
  if (cell.cell_type === 'raw') return `<section class="cell raw" id="cell-${index}"><pre>${escapeHtml(source)}</pre></section>`;
  const count = cell.execution_count ?? null;
  const prompt = count === null ? '[ ]' : `[${count}]`;
  const outputs = (cell.outputs ?? []).map(renderOutput).join('\n');
  return [
    `<section class="cell code${failed ? ' failed' : ''}${count === null ? ' not-run' : ''}" id="cell-${index}">`,
    `<div class="input"><div class="prompt">In ${prompt}</div><pre class="source"><code>${highlightTypeScript(source)}</code></pre></div>`,
    outputs ? `<div class="outputs">${outputs}</div>` : '',
    '</section>',
  ].join('');
}

/** Richest representation first; our chart bundles carry text/html holding the static SVG. */
const MIME_ORDER = ['text/html', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'text/markdown', 'application/json', 'text/plain'];

export function renderOutput(output: JupyterOutput): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="stream ${output.name === 'stderr' ? 'stderr' : 'stdout'}">${escapeHtml(joinText(output.text))}</pre>`;
    case 'error': {
      const traceback = Array.isArray(output.traceback) ? (output.traceback as string[]).map(stripAnsi) : [];
      const head = `${String(output.ename)}: ${String(output.evalue)}`;
      const rest = traceback[0] === head ? traceback.slice(1) : traceback;
      return `<pre class="error"><strong>${escapeHtml(head)}</strong>${rest.length ? '\n' + escapeHtml(rest.join('\n')) : ''}</pre>`;
    }
    case 'display_data':
    case 'execute_result': {
      const data = (output.data ?? {}) as Record<string, unknown>;
      const mime = MIME_ORDER.find((m) => data[m] !== undefined);
      const kind = output.output_type === 'execute_result' ? 'result' : 'display';
      if (!mime) return '';
      const value = data[mime];
      switch (mime) {
        case 'text/html':
          return `<div class="output ${kind} html">${joinText(value)}</div>`;
        case 'image/svg+xml':
          return `<div class="output ${kind} svg">${joinText(value)}</div>`;
        case 'image/png':
        case 'image/jpeg':
        case 'image/gif':
          return `<div class="output ${kind} image"><img alt="output" src="data:${mime};base64,${escapeHtml(joinText(value).replace(/\s/g, ''))}"></div>`;
        case 'text/markdown':
          return `<div class="output ${kind} markdown">${renderMarkdown(joinText(value))}</div>`;
        case 'application/json':
          return `<pre class="output ${kind} json">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
        default:
          return `<pre class="output ${kind} text">${escapeHtml(joinText(value))}</pre>`;
      }
    }
    default:
      return '';
  }
}

function renderFooter(p: NotebookProvenance, nb: Notebook): string {
  const codeCells = nb.cells.filter((c) => c.cell_type === 'code');
  const executed = codeCells.filter((c) => c.execution_count !== null && c.execution_count !== undefined).length;
  const row = (label: string, value: string) => `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`;
  const code = (s: string) => `<code>${escapeHtml(s)}</code>`;
  const git = p.git.git_sha === null ? 'not a git workspace' : `${code(p.git.git_sha)}${p.git.git_dirty ? ' <strong class="dirty">(uncommitted changes)</strong>' : ' (clean)'}`;
  const data = p.data.length
    ? `<ul>${p.data.map((d) => `<li>${d.name ? `${escapeHtml(d.name)}: ` : ''}snapshot ${code(d.snapshot_id)}, content hash ${code(d.content_hash)}</li>`).join('')}</ul>`
    : 'no data snapshot was opened';
  const runs = p.runs.length ? `<ul>${p.runs.map((r) => `<li>${code(r.run_id)} ${escapeHtml(r.kind)} “${escapeHtml(r.name)}”</li>`).join('')}</ul>` : 'none';
  const v = p.versions;
  return [
    '<footer class="reproducibility" id="reproducibility">',
    '<h2>Reproducibility</h2>',
    '<table>',
    row('Notebook', code(basename(p.notebook))),
    row('Executed', `${escapeHtml(p.executedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}, top to bottom in a fresh kernel, ${executed} of ${codeCells.length} code cells, ${(p.totalMs / 1000).toFixed(1)} s in total`),
    row('Versions', `Quantbook ${code(v.quantbook)}, Node ${code(v.node)}, nodejs-polars ${code(v.polars)}, tslab ${code(v.tslab)}, TypeScript ${code(v.typescript)}`),
    row('Workspace', `git ${git}`),
    row('Data', data),
    row('Runs recorded', runs),
    '</table>',
    '</footer>',
  ].join('\n');
}

function resolveImage(src: string, attachments: Record<string, Record<string, string>>, baseDir?: string): string | undefined {
  if (src.startsWith('attachment:')) {
    const bundle = attachments[src.slice('attachment:'.length)];
    if (!bundle) return undefined;
    const mime = Object.keys(bundle).find((m) => m.startsWith('image/'));
    return mime ? `data:${mime};base64,${joinText(bundle[mime]).replace(/\s/g, '')}` : undefined;
  }
  if (!baseDir) return undefined;
  const path = resolve(baseDir, decodeURIComponent(src));
  if (!path.startsWith(resolve(baseDir, '..')) || !existsSync(path)) return undefined;
  const mime = IMAGE_TYPES[extname(path).toLowerCase()];
  return mime ? `data:${mime};base64,${readFileSync(path).toString('base64')}` : undefined;
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

function firstHeading(nb: Notebook): string | undefined {
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellSource(cell));
    if (m) return m[1].replace(/[*_`]/g, '');
  }
  return undefined;
}

function joinText(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v);
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

