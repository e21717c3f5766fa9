import { homedir } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { KernelClient, type ExecuteResult, type KernelExit } from '../../kernel-lib/notebook/kernel-client';
import type { KernelOutput } from '../../kernel-lib/notebook/protocol';
import { describeError, type QuantbookEnv } from '../quantbook-env';
import { CellOutputWriter } from './cell-outputs';

export const CONTROLLER_ID = 'quantbook-kernel';
export const CONTROLLER_LABEL = 'Quantbook (TypeScript)';

interface KernelEntry {
  client?: KernelClient;
  starting?: Promise<KernelClient>;
}

/**
 * The "Quantbook (TypeScript)" kernel for .ipynb notebooks: one kernel host process per
 * notebook (KernelClient), started on the first run. A kernel that dies is reported with
 * a Restart action; the notebook itself lives in the editor and is never affected.
 */
export class QuantbookController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<string, KernelEntry>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly env: QuantbookEnv) {
    const c = vscode.notebooks.createNotebookController(CONTROLLER_ID, 'jupyter-notebook', CONTROLLER_LABEL);
    c.supportedLanguages = ['typescript', 'javascript'];
    c.supportsExecutionOrder = true;
    c.description = 'TypeScript cells with the Quantbook API';
    c.detail = 'tslab executor in a Node process per notebook';
    c.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    c.interruptHandler = (notebook) => this.interrupt(notebook);
    this.controller = c;
    this.disposables.push(
      c,
      c.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (!selected) void this.shutdown(notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => void this.shutdown(notebook)),
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.preferForTypeScript(notebook)),
    );
    for (const notebook of vscode.workspace.notebookDocuments) this.preferForTypeScript(notebook);
  }

  /** Restarts the notebook's kernel: its variables are lost, the notebook stays as it is. */
  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    const client = this.kernels.get(key(notebook))?.client;
    if (!client || client.state === 'closed') {
      void vscode.window.showInformationMessage('This notebook has no Quantbook kernel running yet; it starts when you run a cell.');
      return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Restarting the Quantbook kernel' }, () => client.restart());
    this.env.log(`kernel restarted for ${notebook.uri.fsPath} (pid ${client.pid})`);
    void vscode.window.showInformationMessage('Quantbook kernel restarted: cells run in a fresh process (execution counts start at 1).');
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    // created up front so every cell shows as queued at once
    const executions = cells.map((cell) => this.controller.createNotebookCellExecution(cell));
    if (!executions.length) return;
    executions[0].start(Date.now());
    let kernel: KernelClient;
    try {
      kernel = await this.kernelFor(notebook);
    } catch (e) {
      this.env.log(`kernel did not start: ${describeError(e)}`);
      const error = Object.assign(new Error(describeError(e)), { name: 'KernelStartError', stack: '' });
      await executions[0].replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]));
      executions[0].end(false, Date.now());
      for (const rest of executions.slice(1)) endUnrun(rest);
      return;
    }
    for (let i = 0; i < executions.length; i++) {
      if (i > 0) executions[i].start(Date.now());
      const result = await this.runCell(executions[i], kernel);
      if (!result.ok) {
        // like Jupyter's "run all": the cells after a failure do not run
        for (const rest of executions.slice(i + 1)) endUnrun(rest);
        return;
      }
    }
  }

  /** Runs one started execution. */
  private async runCell(execution: vscode.NotebookCellExecution, kernel: KernelClient): Promise<ExecuteResult> {
    await execution.clearOutput();
    const writer = new CellOutputWriter(execution);
    let written = 0;
    const onOutput = (output: KernelOutput) => {
      written++;
      writer.write(output);
    };
    const result = await kernel.execute(execution.cell.document.getText(), { cellIndex: execution.cell.index, onOutput });
    // a cell cancelled before it ran reports its reason only in the result
    for (const output of result.outputs.slice(written)) writer.write(output);
    await writer.flushed();
    if (result.executionCount > 0) execution.executionOrder = result.executionCount;
    execution.end(result.ok, Date.now());
    return result;
  }

  private async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const client = this.kernels.get(key(notebook))?.client;
    if (!client) return;
    const outcome = await client.interrupt();
    this.env.log(`interrupt ${notebook.uri.fsPath}: ${outcome}`);
    if (outcome === 'restarted') {
      void vscode.window.showWarningMessage('The cell did not stop when interrupted, so the Quantbook kernel was restarted: its variables are lost.');
    }
  }

  private kernelFor(notebook: vscode.NotebookDocument): Promise<KernelClient> {
    const k = key(notebook);
    const entry = this.kernels.get(k);
    if (entry?.starting) return entry.starting;
    if (entry?.client && entry.client.state !== 'closed') {
      if (entry.client.state !== 'dead') return Promise.resolve(entry.client);
      const client = entry.client;
      this.env.log(`restarting the dead kernel of ${notebook.uri.fsPath} to run cells`);
      void vscode.window.showInformationMessage('The previous Quantbook kernel died; a new one was started (earlier variables are gone: re-run the cells above).');
      return (entry.starting = client.restart().then(() => {
        entry.starting = undefined;
        return client;
      }, (e: unknown) => {
        entry.starting = undefined;
        throw e;
      }));
    }
    const fresh: KernelEntry = {};
    this.kernels.set(k, fresh);
    fresh.starting = this.startKernel(notebook).then(
      (client) => {
        fresh.client = client;
        fresh.starting = undefined;
        return client;
      },
      (e: unknown) => {
        this.kernels.delete(k);
        throw e;
      },
    );
    return fresh.starting;
  }

  private async startKernel(notebook: vscode.NotebookDocument): Promise<KernelClient> {
    const node = await this.env.node();
    const workspace = vscode.workspace.getWorkspaceFolder(notebook.uri)?.uri.fsPath ?? this.env.workspaceRoot();
    const cwd = notebook.uri.scheme === 'file' ? dirname(notebook.uri.fsPath) : workspace ?? homedir();
    const runs = this.env.runsRoot();
    const started = Date.now();
    const client = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Starting the Quantbook kernel' },
      () => KernelClient.start({ cwd, workspace, nodePath: node.path, env: { ...node.env, ...(runs && { QUANTBOOK_RUNS: runs }) } }),
    );
    const v = client.versions;
    this.env.log(`kernel started for ${notebook.uri.fsPath} in ${Date.now() - started} ms (pid ${client.pid}; quantbook ${v.quantbook}, node ${v.node}, polars ${v.polars}, tslab ${v.tslab})`);
    client.on('exit', (exit: KernelExit) => this.onExit(notebook, client, exit));
    client.on('event', (event: { type: string }) => {
      if (event.type === 'run-recorded') this.env.runsMayHaveChanged();
    });
    client.on('output', (output: KernelOutput) => {
      // output of a timer or promise that outlived its cell: kept in the log, not lost
      if (output.type === 'stream') this.env.output.append(output.text);
      else this.env.log(`late ${output.type} output from ${notebook.uri.fsPath}`);
    });
    return client;
  }

  private onExit(notebook: vscode.NotebookDocument, client: KernelClient, exit: KernelExit): void {
    if (exit.expected) return;
    const why = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    this.env.log(`kernel of ${notebook.uri.fsPath} died (${why}): ${exit.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    void vscode.window
      .showWarningMessage(`The Quantbook kernel of ${notebook.uri.path.split('/').pop()} died (${why}). The notebook is safe; its variables are lost.`, 'Restart Kernel', 'Show Log')
      .then(async (choice) => {
        if (choice === 'Show Log') this.env.output.show();
        if (choice === 'Restart Kernel' && client.state === 'dead') {
          await this.restart(notebook).catch((e: unknown) => vscode.window.showErrorMessage(`Quantbook kernel restart failed: ${describeError(e)}`));
        }
      });
  }

  private async shutdown(notebook: vscode.NotebookDocument): Promise<void> {
    const k = key(notebook);
    const entry = this.kernels.get(k);
    if (!entry) return;
    this.kernels.delete(k);
    const client = entry.client ?? (await entry.starting?.catch(() => undefined));
    await client?.shutdown().catch(() => undefined);
  }

  /** TypeScript notebooks (tslab's kernelspec, or TypeScript as the language) get this kernel suggested first. */
  private preferForTypeScript(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== 'jupyter-notebook') return;
    const meta = (notebook.metadata?.metadata ?? notebook.metadata?.custom?.metadata ?? {}) as {
      kernelspec?: { name?: string; language?: string };
      language_info?: { name?: string };
    };
    const language = meta.kernelspec?.language ?? meta.language_info?.name;
    if (meta.kernelspec?.name === 'tslab' || language === 'typescript') {
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const entry of this.kernels.values()) void entry.client?.shutdown().catch(() => undefined);
    this.kernels.clear();
  }
}

function key(notebook: vscode.NotebookDocument): string {
  return notebook.uri.toString();
}

/** A queued cell that will not run (an earlier one failed): back to idle, its old outputs kept. */
function endUnrun(execution: vscode.NotebookCellExecution): void {
  execution.end(undefined);
}
