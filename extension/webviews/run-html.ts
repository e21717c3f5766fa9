import type { RunRecord } from '../../kernel-lib/tracking/run-record';
import type { ComparisonJson } from '../history/history-client';
import { formatMetric, localDay, localTime } from '../history/run-groups';

/**
 * The HTML of the run details and run comparison webviews. Pure string building (unit-
 * tested): the panels in run-panels.ts supply the CSP source, nonce and resource URIs.
 * Every value from a run.json is escaped - names, params and tags are user text.
 */
export interface PageFrame {
  title: string;
  cspSource: string;
  nonce: string;
  styleUri: string;
}

export interface ChartImage {
  name: string;
  uri: string;
}

export interface ArtifactLink {
  name: string;
  file: string;
  type: string;
  bytes: number;
  /** Absolute path, sent back to the extension when its button is pressed. */
  path: string;
}

export function runDetailsHtml(frame: PageFrame, run: RunRecord & { dir: string }, charts: ChartImage[], artifacts: ArtifactLink[]): string {
  const facts: [string, string][] = [
    ['run id', run.run_id],
    ['kind', run.kind],
    ['created', `${localDay(new Date(run.created_at))} ${localTime(run.created_at)} by ${run.author}`],
    ['git', run.workspace.git_sha ? `${run.workspace.git_sha.slice(0, 12)}${run.workspace.git_dirty ? ' (dirty)' : ''}` : 'not a git workspace'],
    ['versions', Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', ')],
    ['data', run.data.length ? run.data.map((d) => `${d.name ?? d.snapshot_id} (${d.content_hash.slice(0, 12)})`).join('; ') : 'none recorded'],
  ];
  if (run.signal) facts.push(['signal', run.signal]);
  if (run.strategy) facts.push(['strategy', run.strategy]);
  if (run.tags.length) facts.push(['tags', run.tags.join(', ')]);
  if (run.duration_ms !== undefined) facts.push(['duration', `${(run.duration_ms / 1000).toFixed(2)} s`]);
  const body = [
    `<h1>${esc(run.name)}</h1>`,
    keyValueTable('run', facts),
    section('Metrics', run.metrics && Object.keys(run.metrics).length ? table(['metric', 'value'], Object.entries(run.metrics).map(([k, v]) => [esc(k), num(v)]), 'metrics') : empty('no metrics')),
    section('Params', Object.keys(run.params).length ? table(['param', 'value'], Object.entries(run.params).map(([k, v]) => [esc(k), `<code>${esc(JSON.stringify(v))}</code>`]), 'params') : empty('no params')),
    section('Charts', charts.length ? charts.map(chartFigure).join('') : empty('no chart artifacts')),
    section('Artifacts', artifacts.length ? artifactList(artifacts) : empty('no artifacts'), `<p class="dim">${esc(run.dir)}</p>`),
    run.notes ? section('Notes', `<p>${esc(run.notes)}</p>`) : '',
  ];
  return page(frame, body.join('\n'));
}

export function compareHtml(frame: PageFrame, a: RunRecord, b: RunRecord, cmp: ComparisonJson, overlay?: ChartImage): string {
  const changed = cmp.params.filter((p) => p.changed).length;
  const body = [
    `<h1>Compare runs</h1>`,
    table(['', 'run', 'kind', 'created'], [
      ['A', `${esc(a.name)} <span class="dim">${esc(a.run_id)}</span>`, esc(a.kind), esc(`${localDay(new Date(a.created_at))} ${localTime(a.created_at)}`)],
      ['B', `${esc(b.name)} <span class="dim">${esc(b.run_id)}</span>`, esc(b.kind), esc(`${localDay(new Date(b.created_at))} ${localTime(b.created_at)}`)],
    ], 'runs'),
    section('Metrics', cmp.metrics.length ? table(['metric', 'A', 'B', 'B − A'], cmp.metrics.map((m) => [esc(m.key), num(m.a), num(m.b), diffCell(m.diff)]), 'metrics') : empty('neither run has metrics')),
    section(`Params <span class="dim">(${changed} changed)</span>`, cmp.params.length
      ? table(['param', 'A', 'B'], cmp.params.map((p) => [esc(p.key), paramCell(p.a), paramCell(p.b)]), 'params', cmp.params.map((p) => (p.changed ? 'changed' : '')))
      : empty('neither run has params')),
    section('Overlay', overlay ? chartFigure(overlay) : empty(cmp.series ? 'the overlaid chart could not be drawn' : 'the runs do not both carry an equity or IC series')),
  ];
  return page(frame, body.join('\n'));
}

function page(frame: PageFrame, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${frame.cspSource} data:; style-src ${frame.cspSource}; script-src 'nonce-${frame.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${esc(frame.styleUri)}">
<title>${esc(frame.title)}</title></head>
<body>
${body}
<script nonce="${frame.nonce}">
const vscode = acquireVsCodeApi();
for (const button of document.querySelectorAll('button[data-path]')) {
  button.addEventListener('click', () => vscode.postMessage({ type: 'openArtifact', path: button.dataset.path }));
}
</script>
</body></html>`;
}

function section(title: string, content: string, after = ''): string {
  return `<section><h2>${title}</h2>${content}${after}</section>`;
}

function table(header: string[], rows: string[][], cls: string, rowClasses?: string[]): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r, i) => `<tr${rowClasses?.[i] ? ` class="${rowClasses[i]}"` : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table class="${cls}"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function keyValueTable(cls: string, rows: [string, string][]): string {
  return `<table class="${cls}"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

function chartFigure(c: ChartImage): string {
  return `<figure><img src="${esc(c.uri)}" alt="${esc(c.name)}"><figcaption>${esc(c.name)}</figcaption></figure>`;
}

function artifactList(artifacts: ArtifactLink[]): string {
  const rows = artifacts.map((a) => [
    esc(a.name),
    `<code>${esc(a.file)}</code>`,
    esc(a.type),
    esc(formatBytes(a.bytes)),
    a.type === 'parquet' || a.type === 'binary' ? '' : `<button data-path="${esc(a.path)}">Open</button>`,
  ]);
  return table(['name', 'file', 'type', 'size', ''], rows, 'artifacts');
}

function num(v: number | null | undefined): string {
  return `<span class="num">${esc(formatMetric(v))}</span>`;
}

function diffCell(d: number | null): string {
  if (d === null) return '<span class="dim">-</span>';
  const cls = d > 0 ? 'up' : d < 0 ? 'down' : '';
  return `<span class="num ${cls}">${d > 0 ? '+' : ''}${esc(formatMetric(d))}</span>`;
}

function paramCell(v: unknown): string {
  return v === undefined ? '<span class="dim">-</span>' : `<code>${esc(JSON.stringify(v))}</code>`;
}

function empty(text: string): string {
  return `<p class="dim">${esc(text)}</p>`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const REPORT_RESET = `<style id="quantbook-report-reset">
html { background: #fff; color-scheme: light; }
body { background: #fff; color: #1f2328; padding: 0; margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; }
code { color: inherit; background-color: transparent; padding: 0; border-radius: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
a, a code { color: #0969da; }
</style>`;

/** A report's HTML with a reset of VS Code's webview default styles as the first thing in <head> (or the document when it has no head). */
export function withStyleReset(html: string): string {
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + REPORT_RESET + html.slice(head.index + head[0].length);
  return REPORT_RESET + html;
}
