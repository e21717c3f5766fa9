import { delimiter, isAbsolute, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { CliTarget } from './cli-process';
import { HistoryClient } from './history/history-client';
import { findNodeRuntime, type NodeRuntime } from './node-runtime';

/**
 * What every part of the extension shares: settings, the Node runtime for child processes,
 * the CLI, the runs folder, the output channel, and a "runs changed" signal.
 */
export class QuantbookEnv implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Quantbook');
  private readonly runsChanged = new vscode.EventEmitter<void>();
  /** Fired when a run may have been recorded or deleted (kernel events, CLI runs, the file watcher). */
  readonly onDidChangeRuns = this.runsChanged.event;
  private nodeRuntime: Promise<NodeRuntime> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.output, this.runsChanged];

  constructor(readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('quantbook.nodePath')) this.nodeRuntime = undefined;
        if (e.affectsConfiguration('quantbook.runsDirectory')) this.runsChanged.fire();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.nodeRuntime = undefined;
        this.runsChanged.fire();
      }),
    );
  }

  get extensionDir(): string {
    return this.context.extensionPath;
  }

  /** The first workspace folder: runs, snapshots and reports live under it. */
  workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** `quantbook.runsDirectory` (relative to the workspace), default `<workspace>/.quantbook/runs`. */
  runsRoot(): string | undefined {
    const setting = config().get<string>('runsDirectory')?.trim();
    const ws = this.workspaceRoot();
    if (setting && isAbsolute(setting)) return setting;
    if (!ws) return undefined;
    return resolve(ws, setting || join('.quantbook', 'runs'));
  }

  /** `quantbook.reportsDirectory` (relative to the notebook's workspace folder, else the notebook's folder). */
  reportsDir(notebook: vscode.Uri): string {
    const setting = config().get<string>('reportsDirectory')?.trim() || 'reports';
    if (isAbsolute(setting)) return setting;
    const base = vscode.workspace.getWorkspaceFolder(notebook)?.uri.fsPath ?? join(notebook.fsPath, '..');
    return resolve(base, setting);
  }

  /** The Node >= 22 for kernels and the CLI, found once (again after the setting changes). */
  node(): Promise<NodeRuntime> {
    this.nodeRuntime ??= findNodeRuntime({
      configured: config().get<string>('nodePath')?.trim() || undefined,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      extensionDir: this.extensionDir,
      host: { execPath: process.execPath, nodeVersion: process.versions.node, electron: Boolean(process.versions.electron) },
      pathDirs: (process.env.PATH ?? '').split(delimiter),
    }).then(
      (runtime) => {
        this.log(`Node ${runtime.version} for kernels and the CLI: ${runtime.path} (${runtime.source})`);
        return runtime;
      },
      (e: unknown) => {
        this.nodeRuntime = undefined;
        throw e;
      },
    );
    return this.nodeRuntime;
  }

  async cli(): Promise<CliTarget> {
    const runs = this.runsRoot();
    return {
      node: await this.node(),
      cliPath: join(this.extensionDir, 'dist', 'cli.js'),
      cwd: this.workspaceRoot() ?? this.extensionDir,
      env: runs ? { QUANTBOOK_RUNS: runs } : {},
    };
  }

  /** The run history of the workspace, or undefined without a workspace folder. */
  async history(): Promise<HistoryClient | undefined> {
    const root = this.runsRoot();
    return root ? new HistoryClient(await this.cli(), root) : undefined;
  }

  runsMayHaveChanged(): void {
    this.runsChanged.fire();
  }

  log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('quantbook');
}

/** A message for the user from anything thrown: a QuantbookError's message and hint, else the error text. */
export function describeError(e: unknown): string {
  const err = e as { message?: string; hint?: string };
  if (err && typeof err.message === 'string') return err.hint ? `${err.message} (${err.hint})` : err.message;
  return String(e);
}
