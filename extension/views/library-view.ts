import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { describeNotebook, exampleNotebooks, type LibraryNotebook } from '../library/notebook-library';
import type { QuantbookEnv } from '../quantbook-env';

export type LibraryNode =
  | { kind: 'group'; origin: 'examples' | 'workspace' }
  | { kind: 'notebook'; origin: 'examples' | 'workspace'; notebook: LibraryNotebook };

/** Notebooks that are build output or tool state, not the user's work. */
const WORKSPACE_EXCLUDE = '{**/node_modules/**,**/.quantbook/**,**/.ipynb_checkpoints/**,**/dist/**,**/out/**}';

/**
 * The Notebook library view: the examples shipped in the extension's notebooks/ folder and
 * the workspace's own notebooks. Clicking opens one; an example is first copied into the
 * workspace (notebooks/NAME.ipynb) so running and editing it never touches the extension.
 */
export class LibraryView implements vscode.TreeDataProvider<LibraryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LibraryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly env: QuantbookEnv) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.ipynb', false, true, false);
    this.disposables.push(watcher, watcher.onDidCreate(() => this.refreshSoon()), watcher.onDidDelete(() => this.refreshSoon()), vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 300);
  }

  examplesDir(): string {
    return join(this.env.extensionDir, 'notebooks');
  }

  async getChildren(node?: LibraryNode): Promise<LibraryNode[]> {
    if (!node) {
      const groups: LibraryNode[] = [{ kind: 'group', origin: 'examples' }];
      if (vscode.workspace.workspaceFolders?.length) groups.push({ kind: 'group', origin: 'workspace' });
      return groups;
    }
    if (node.kind !== 'group') return [];
    const notebooks = node.origin === 'examples' ? await exampleNotebooks(this.examplesDir()) : await this.workspaceNotebooks();
    return notebooks.map((notebook) => ({ kind: 'notebook', origin: node.origin, notebook }));
  }

  getTreeItem(node: LibraryNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.origin === 'examples' ? 'Examples' : 'This workspace', vscode.TreeItemCollapsibleState.Expanded);
      item.contextValue = `group-${node.origin}`;
      item.iconPath = new vscode.ThemeIcon(node.origin === 'examples' ? 'library' : 'folder');
      return item;
    }
    const { notebook } = node;
    const item = new vscode.TreeItem(notebook.title, vscode.TreeItemCollapsibleState.None);
    item.description = node.origin === 'examples' ? basename(notebook.path) : vscode.workspace.asRelativePath(notebook.path);
    item.tooltip = new vscode.MarkdownString(`**${notebook.title}**\n\n${notebook.summary ?? ''}\n\n\`${notebook.path}\``);
    item.iconPath = new vscode.ThemeIcon('notebook');
    item.contextValue = node.origin === 'examples' ? 'exampleNotebook' : 'workspaceNotebook';
    item.resourceUri = vscode.Uri.file(notebook.path);
    item.command = { command: 'quantbook.openLibraryNotebook', title: 'Open Notebook', arguments: [node] };
    return item;
  }

  private async workspaceNotebooks(): Promise<LibraryNotebook[]> {
    const uris = await vscode.workspace.findFiles('**/*.ipynb', WORKSPACE_EXCLUDE, 500);
    uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    return Promise.all(uris.map((u) => describeNotebook(u.fsPath)));
  }

  /** Opens a library notebook; an example is copied into the workspace first (once). */
  async open(node: LibraryNode): Promise<void> {
    if (node.kind !== 'notebook') return;
    let path = node.notebook.path;
    const ws = this.env.workspaceRoot();
    if (node.origin === 'examples' && ws) {
      const copy = join(ws, 'notebooks', basename(path));
      if (!existsSync(copy)) {
        await mkdir(join(ws, 'notebooks'), { recursive: true });
        await copyFile(path, copy);
        void vscode.window.showInformationMessage(`Copied the example into the workspace: ${vscode.workspace.asRelativePath(copy)}`);
      }
      path = copy;
    }
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), 'jupyter-notebook');
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}
