import { dirname, resolve } from 'node:path';
import type { QuantbookEvent } from '../tracking/events';
import type { DataRef } from '../tracking/run-record';
import { workspaceState, findWorkspace, type WorkspaceState } from '../tracking/workspace-state';
import { cellSource, readNotebook, toJupyterOutputs, TSLAB_KERNELSPEC, type Notebook } from './ipynb';
import { KernelClient, type ExecuteStatus, type KernelStartOptions } from './kernel-client';
import type { ErrorOutput, KernelOutput, KernelVersions } from './protocol';

export interface RunNotebookOptions {
  /** Stop at the first failing cell (later cells keep no outputs), as nbconvert does. Default true. */
  stopOnError?: boolean;
  /** A cell running longer is interrupted (and fails). Default 10 minutes. */
  cellTimeoutMs?: number;
  /** Workspace for runs and snapshots. Default: the nearest folder above the notebook with .quantbook or .git. */
  workspace?: string;
  /** Run history folder for runs the cells record. Default: env QUANTBOOK_RUNS, else `<workspace>/.quantbook/runs`. */
  runs?: string;
  /** Passed to KernelClient.start (hostPath, libPath, nodePath, env). */
  kernel?: Partial<KernelStartOptions>;
  /** Called after each code cell. */
  onCell?: (cell: CellRun) => void;
}

export interface CellRun {
  /** Index among all cells of the notebook. */
  index: number;
  status: ExecuteStatus | 'skipped';
  executionCount: number | null;
  ms: number;
  outputs: KernelOutput[];
}

export interface CellError {
  index: number;
  ename: string;
  evalue: string;
  line?: number;
}

/** Everything needed to say how a report was produced. */
export interface NotebookProvenance {
  notebook: string;
  executedAt: string;
  totalMs: number;
  versions: KernelVersions;
  workspace: string;
  git: WorkspaceState;
  /** Snapshots the cells read (data-used events) or named in the runs they recorded. */
  data: DataRef[];
  runs: { run_id: string; kind: string; name: string }[];
}

export interface NotebookRun {
  ok: boolean;
  /** A copy of the notebook with outputs and execution counts. */
  notebook: Notebook;
  cells: CellRun[];
  errors: CellError[];
  provenance: NotebookProvenance;
}

/**
 * Executes a notebook top to bottom in a fresh kernel (cwd: the notebook's folder) and
 * returns the executed copy with what produced it. The kernel is shut down afterwards.
 */
export async function runNotebook(path: string, options: RunNotebookOptions = {}): Promise<NotebookRun> {
  const notebookPath = resolve(path);
  const source = await readNotebook(notebookPath);
  const workspace = resolve(options.workspace ?? findWorkspace(dirname(notebookPath)));
  const started = performance.now();
  const executedAt = new Date().toISOString();
  const events: QuantbookEvent[] = [];
  const env = { ...options.kernel?.env, ...(options.runs && { QUANTBOOK_RUNS: resolve(options.runs) }) };
  const kernel = await KernelClient.start({ cwd: dirname(notebookPath), workspace, ...options.kernel, env });
  kernel.on('event', (e: QuantbookEvent) => events.push(e));
  const notebook: Notebook = structuredClone(source);
  const cells: CellRun[] = [];
  const errors: CellError[] = [];
  let stopped = false;
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const code = cellSource(cell);
      if (stopped) {
        cell.outputs = [];
        cell.execution_count = null;
        const skipped: CellRun = { index, status: 'skipped', executionCount: null, ms: 0, outputs: [] };
        cells.push(skipped);
        options.onCell?.(skipped);
        continue;
      }
      if (code.trim() === '') {
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const timer = setTimeout(() => void kernel.interrupt(), options.cellTimeoutMs ?? 600_000);
      const result = await kernel.execute(code, { cellIndex: index });
      clearTimeout(timer);
      const executionCount = result.executionCount || null;
      cell.outputs = toJupyterOutputs(result.outputs, executionCount);
      cell.execution_count = executionCount;
      const run: CellRun = { index, status: result.status, executionCount, ms: result.ms, outputs: result.outputs };
      cells.push(run);
      options.onCell?.(run);
      if (!result.ok) {
        const e = result.outputs.find((o): o is ErrorOutput => o.type === 'error');
        errors.push({ index, ename: e?.ename ?? 'Error', evalue: e?.evalue ?? 'the cell failed', ...(e?.line !== undefined && { line: e.line }) });
        if (options.stopOnError ?? true) stopped = true;
        if (kernel.state === 'dead') {
          await kernel.restart();
          stopped = true;
        }
      }
    }
  } finally {
    await kernel.shutdown();
  }
  const provenance: NotebookProvenance = {
    notebook: notebookPath,
    executedAt,
    totalMs: Math.round(performance.now() - started),
    versions: kernel.versions,
    workspace,
    git: await workspaceState(workspace, resolve(workspace, '.quantbook')),
    data: dataUsed(events),
    runs: events.flatMap((e) => (e.type === 'run-recorded' ? [{ run_id: e.run_id, kind: e.kind, name: e.name }] : [])),
  };
  notebook.metadata = {
    ...notebook.metadata,
    kernelspec: notebook.metadata.kernelspec ?? TSLAB_KERNELSPEC,
    language_info: notebook.metadata.language_info ?? { name: 'typescript', version: kernel.versions.typescript, file_extension: '.ts', mimetype: 'text/typescript' },
    quantbook: { ...provenance, notebook: undefined },
  };
  return { ok: errors.length === 0, notebook, cells, errors, provenance };
}

function dataUsed(events: QuantbookEvent[]): DataRef[] {
  const seen = new Map<string, DataRef>();
  const add = (d: DataRef) => {
    const key = `${d.snapshot_id}\u0000${d.content_hash}`;
    if (!seen.has(key) || (d.name && !seen.get(key)!.name)) seen.set(key, d);
  };
  for (const e of events) {
    if (e.type === 'data-used') add({ snapshot_id: e.snapshot_id, content_hash: e.content_hash, ...(e.name !== undefined && { name: e.name }) });
    else for (const d of e.data) add(d);
  }
  return [...seen.values()];
}
