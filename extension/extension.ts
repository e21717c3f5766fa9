import * as vscode from 'vscode';
import { exportReport } from './commands/export-report';
import { compareRuns, deleteRun, openRunDetails } from './commands/history-commands';
import { newNotebookFromTemplate } from './commands/new-notebook';
import { runSuite } from './commands/run-suite';
import { QuantbookController } from './kernel/notebook-controller';
import { describeError, QuantbookEnv } from './quantbook-env';
import { HistoryView, type HistoryNode } from './views/history-view';
import { LibraryView, type LibraryNode } from './views/library-view';

/**
 * VS Code glue only: the notebook kernel, the sidebar, commands and webviews. Research
 * happens in kernel-lib, run by the kernel host and the CLI in child processes.
 */
export function activate(context: vscode.ExtensionContext): void {
  const env = new QuantbookEnv(context);
  const controller = new QuantbookController(env);
  const library = new LibraryView(env);
  const history = new HistoryView(env);
  const historyTree = vscode.window.createTreeView('quantbook.history', { treeDataProvider: history, canSelectMany: true, showCollapseAll: true });
  context.subscriptions.push(
    env,
    controller,
    library,
    history,
    historyTree,
    vscode.window.registerTreeDataProvider('quantbook.library', library),
  );

  const command = (id: string, run: (...args: any[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        env.log(`${id} (${args.map(describeArg).join(', ')})`);
        try {
          return await run(...args);
        } catch (e) {
          env.log(`${id} failed: ${describeError(e)}`);
          void vscode.window.showErrorMessage(`Quantbook: ${describeError(e)}`);
          return undefined;
        }
      }),
    );

  command('quantbook.restartKernel', (target?: vscode.Uri | { notebookEditor?: { notebookUri: vscode.Uri } }) => {
    const notebook = notebookFor(target);
    if (!notebook) return vscode.window.showWarningMessage('Open a notebook first.');
    return controller.restart(notebook);
  });
  command('quantbook.openLibraryNotebook', (node: LibraryNode) => library.open(node));
  command('quantbook.refreshLibrary', () => library.refresh());
  command('quantbook.newNotebookFromTemplate', (node?: LibraryNode) =>
    newNotebookFromTemplate(env, library.examplesDir(), node?.kind === 'notebook' ? node.notebook.path : undefined),
  );
  command('quantbook.refreshHistory', () => history.refresh());
  command('quantbook.openRunDetails', (node?: HistoryNode | string) => openRunDetails(env, history, node));
  // from the view title there is no argument: the tree's current selection is what to compare
  command('quantbook.compareRuns', (node?: HistoryNode, selection?: HistoryNode[]) =>
    compareRuns(env, history, node, Array.isArray(selection) && selection.length ? selection : node ? undefined : historyTree.selection),
  );
  command('quantbook.deleteRun', (node?: HistoryNode, selection?: HistoryNode[]) => deleteRun(env, history, node, selection));
  // from the Explorer a URI, from the library a node, from the notebook toolbar the editor's context
  command('quantbook.exportReport', (target?: vscode.Uri | LibraryNode) =>
    exportReport(env, target instanceof vscode.Uri ? target : target?.kind === 'notebook' ? vscode.Uri.file(target.notebook.path) : notebookFor(target)?.uri),
  );
  command('quantbook.runSuite', (target?: vscode.Uri) => runSuite(env, target instanceof vscode.Uri ? target : undefined));
  command('quantbook.showLog', () => env.output.show());
}

export function deactivate(): void {
  // disposables (kernels included) are released through context.subscriptions
}

/** The notebook a command is about: its argument (a URI, or the notebook toolbar's context), else the active one. */
function notebookFor(target: unknown): vscode.NotebookDocument | undefined {
  const uri = target instanceof vscode.Uri ? target : (target as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri;
  if (uri) return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}

/** A command argument in the log: its kind, not its content. */
function describeArg(arg: unknown): string {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (Array.isArray(arg)) return `[${arg.length}]`;
  if (typeof arg === 'object' && arg !== null) return String((arg as { kind?: unknown }).kind ?? 'object');
  return typeof arg;
}
