import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * The Notebook library: the example notebooks shipped with the extension (its notebooks/
 * folder) and the workspace's own .ipynb files, each with a title taken from its first
 * markdown heading. No vscode import.
 */
export interface LibraryNotebook {
  path: string;
  /** The first markdown heading, else the file name without .ipynb. */
  title: string;
  /** The first paragraph of markdown after the heading (tooltip). */
  summary?: string;
}

interface IpynbCell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}

interface Ipynb {
  cells: IpynbCell[];
  metadata?: Record<string, unknown>;
  nbformat?: number;
  nbformat_minor?: number;
}

export async function exampleNotebooks(examplesDir: string): Promise<LibraryNotebook[]> {
  if (!existsSync(examplesDir)) return [];
  const names = (await readdir(examplesDir)).filter((n) => n.endsWith('.ipynb')).sort(exampleOrder);
  return Promise.all(names.map((n) => describeNotebook(join(examplesDir, n))));
}

/** The quickstart first, then alphabetical. */
function exampleOrder(a: string, b: string): number {
  const qa = a.startsWith('quickstart') ? 0 : 1;
  const qb = b.startsWith('quickstart') ? 0 : 1;
  return qa - qb || a.localeCompare(b);
}

export async function describeNotebook(path: string): Promise<LibraryNotebook> {
  const fallback = basename(path, '.ipynb');
  try {
    return { path, ...notebookHeading(await readFile(path, 'utf8'), fallback) };
  } catch {
    return { path, title: fallback };
  }
}

/** Title and summary from a notebook's first markdown cell with a heading. */
export function notebookHeading(ipynbText: string, fallbackTitle: string): { title: string; summary?: string } {
  let nb: Ipynb;
  try {
    nb = JSON.parse(ipynbText) as Ipynb;
  } catch {
    return { title: fallbackTitle };
  }
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type !== 'markdown') continue;
    const lines = sourceText(cell.source).split('\n');
    const h = lines.findIndex((l) => /^#{1,3}\s+\S/.test(l));
    if (h < 0) continue;
    const title = lines[h].replace(/^#+\s+/, '').trim();
    const rest = lines.slice(h + 1).join('\n').trim().split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ').trim();
    return rest ? { title, summary: rest } : { title };
  }
  return { title: fallbackTitle };
}

/**
 * A new notebook from a template's text: same cells and metadata, no outputs and no
 * execution counts, so the copy starts clean.
 */
export function notebookFromTemplate(templateText: string): string {
  const nb = JSON.parse(templateText) as Ipynb;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  return JSON.stringify(nb, null, 1) + '\n';
}

/** The notebook metadata that marks a TypeScript notebook: tslab in Jupyter, our controller in VS Code. */
export const TYPESCRIPT_NOTEBOOK_METADATA = {
  kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true } },
};

/** The "Blank" template: a heading and one cell that loads the API. */
export function blankNotebook(title: string): string {
  const nb: Ipynb = {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: [`# ${title}\n`] },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ["import * as qb from 'quantbook';\n"] },
    ],
    metadata: TYPESCRIPT_NOTEBOOK_METADATA,
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';
}

function sourceText(source: string | string[]): string {
  return Array.isArray(source) ? source.join('') : source;
}
