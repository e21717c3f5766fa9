import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { serializeNotebook } from '../notebook/ipynb';
import { runNotebook, type NotebookRun, type RunNotebookOptions } from '../notebook/notebook-runner';
import { RunHistory } from '../tracking/run-history';
import { notebookToHtml } from './notebook-html';

export interface ExportNotebookOptions extends RunNotebookOptions {
  /** Where to write the HTML report. */
  html?: string;
  /** Where to write the executed notebook. Default with `html`: beside it, same name, .ipynb. */
  ipynb?: string;
  /** Also record the export as a 'notebook' run (metrics: cells, errors, seconds; the report as artifact). */
  record?: boolean;
}

export interface NotebookExport extends NotebookRun {
  htmlPath?: string;
  ipynbPath?: string;
  /** The run recorded for the export itself (with `record`). */
  runId?: string;
}

/**
 * Re-executes a notebook top to bottom in a fresh kernel and writes a self-contained HTML
 * report (with a reproducibility footer) and the executed .ipynb. Files are written even when
 * a cell fails - the report then shows the error - and `ok` is false.
 */
export async function exportNotebook(path: string, options: ExportNotebookOptions = {}): Promise<NotebookExport> {
  const notebookPath = resolve(path);
  const run = await runNotebook(notebookPath, options);
  const htmlPath = options.html ? resolve(options.html) : undefined;
  const ipynbPath = options.ipynb ? resolve(options.ipynb) : htmlPath ? executedNotebookPath(htmlPath, notebookPath) : undefined;
  const html = notebookToHtml(run.notebook, { baseDir: dirname(notebookPath), provenance: run.provenance, failedCells: run.errors.map((e) => e.index) });
  if (htmlPath) await writeAtomic(htmlPath, html);
  if (ipynbPath) await writeAtomic(ipynbPath, serializeNotebook(run.notebook));
  let runId: string | undefined;
  if (options.record) {
    const history = new RunHistory({ workspace: run.provenance.workspace, root: options.runs });
    const record = await history.record({
      kind: 'notebook',
      name: basename(notebookPath, '.ipynb'),
      params: { notebook: notebookPath, stop_on_error: options.stopOnError ?? true },
      metrics: { cells: run.cells.length, errors: run.errors.length, seconds: run.provenance.totalMs / 1000 },
      tags: run.ok ? [] : ['failed'],
      data: run.provenance.data,
      notes: run.provenance.runs.length ? `runs recorded: ${run.provenance.runs.map((r) => r.run_id).join(', ')}` : undefined,
      artifacts: [{ name: 'report.html', content: html }],
      duration_ms: run.provenance.totalMs,
    });
    runId = record.run_id;
  }
  return { ...run, htmlPath, ipynbPath, runId };
}

/** `<report>.ipynb` beside the report - unless that is the source notebook itself. */
function executedNotebookPath(htmlPath: string, notebookPath: string): string {
  const base = join(dirname(htmlPath), basename(htmlPath, extname(htmlPath)));
  const candidate = `${base}.ipynb`;
  return resolve(candidate) === notebookPath ? `${base}.executed.ipynb` : candidate;
}

async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}
