import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { QuantbookError } from '../errors';
import type { KernelOutput } from './protocol';

/** Jupyter's notebook format, version 4 (we write 4.5: cells carry ids). */
const multiline = z.union([z.string(), z.array(z.string())]);

const cellSchema = z.looseObject({
  cell_type: z.enum(['code', 'markdown', 'raw']),
  id: z.string().optional(),
  source: multiline,
  metadata: z.record(z.string(), z.unknown()).optional(),
  outputs: z.array(z.record(z.string(), z.unknown())).optional(),
  execution_count: z.number().int().nullable().optional(),
  attachments: z.record(z.string(), z.unknown()).optional(),
});

const notebookSchema = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  cells: z.array(cellSchema),
});

export type NotebookCell = z.infer<typeof cellSchema>;
export type Notebook = z.infer<typeof notebookSchema>;

/** One nbformat output object (stream, display_data, execute_result, error). */
export type JupyterOutput = Record<string, unknown>;

export const TSLAB_KERNELSPEC = { name: 'tslab', display_name: 'TypeScript', language: 'typescript' };

export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new QuantbookError('NOTEBOOK_NOT_FOUND', `cannot read notebook ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path');
  }
  return parseNotebook(text, path);
}

export function parseNotebook(text: string, path = 'notebook'): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new QuantbookError('BAD_NOTEBOOK', `${path} is not JSON: ${(e as Error).message}`, 'a notebook is an .ipynb JSON file (nbformat 4)');
  }
  const parsed = notebookSchema.safeParse(raw);
  if (!parsed.success) {
    throw new QuantbookError('BAD_NOTEBOOK', `${path} is not an nbformat 4 notebook: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`, 'open and save it with Jupyter or VS Code to upgrade it');
  }
  return parsed.data;
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * The notebook as Jupyter writes it: nbformat 4.5, one-space indent, every cell with an id,
 * code cells with outputs and execution_count.
 */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const out: NotebookCell = { ...cell, id: cell.id ?? randomBytes(4).toString('hex'), metadata: cell.metadata ?? {} };
    if (cell.cell_type === 'code') {
      out.outputs = cell.outputs ?? [];
      out.execution_count = cell.execution_count ?? null;
    } else {
      delete out.outputs;
      delete out.execution_count;
    }
    return out;
  });
  return JSON.stringify({ ...nb, nbformat: 4, nbformat_minor: Math.max(5, nb.nbformat_minor), cells }, null, 1) + '\n';
}

/**
 * Kernel outputs as nbformat outputs. Consecutive stream chunks of the same stream merge
 * (as Jupyter stores them); JSON MIME types stay objects, text types stay strings.
 */
export function toJupyterOutputs(outputs: KernelOutput[], executionCount: number | null): JupyterOutput[] {
  const result: JupyterOutput[] = [];
  for (const o of outputs) {
    switch (o.type) {
      case 'stream': {
        const last = result[result.length - 1];
        if (last && last.output_type === 'stream' && last.name === o.name) last.text = (last.text as string) + o.text;
        else result.push({ output_type: 'stream', name: o.name, text: o.text });
        break;
      }
      case 'display':
        result.push({ output_type: 'display_data', data: o.data, metadata: {} });
        break;
      case 'result':
        result.push({ output_type: 'execute_result', execution_count: executionCount, data: o.data, metadata: {} });
        break;
      case 'error':
        result.push({ output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: o.traceback });
        break;
    }
  }
  return result;
}
