import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { runCli } from '../cli-process';
import { describeError, type QuantbookEnv } from '../quantbook-env';
import { showReport } from '../webviews/run-panels';

/**
 * "Export notebook as report": `quantbook run NB.ipynb --html OUT.html` in a child process
 * (a fresh kernel re-executes the notebook top to bottom), with a cancellable progress
 * notification fed by the CLI's progress lines, then an offer to open the HTML.
 * Returns the report's path, or undefined when it was not written.
 */
export async function exportReport(env: QuantbookEnv, target?: vscode.Uri): Promise<string | undefined> {
  const notebookUri = target ?? vscode.window.activeNotebookEditor?.notebook.uri;
  if (!notebookUri || !notebookUri.fsPath.endsWith('.ipynb')) {
    void vscode.window.showWarningMessage('Open a notebook (.ipynb) first, or pick one in the Notebook library.');
    return undefined;
  }
  const open = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === notebookUri.toString());
  if (notebookUri.scheme !== 'file' || (open?.isUntitled ?? false)) {
    void vscode.window.showWarningMessage('Save the notebook to a file first: the report re-runs it from disk.');
    return undefined;
  }
  // the export runs what is on disk
  if (open?.isDirty) await open.save();
  const name = basename(notebookUri.fsPath, '.ipynb');
  const outDir = env.reportsDir(notebookUri);
  await mkdir(outDir, { recursive: true });
  const outPath = join(outDir, `${name}.html`);
  const cli = await env.cli();
  env.log(`export: quantbook run ${notebookUri.fsPath} --html ${outPath}`);

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting ${name} as a report`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      progress.report({ message: 'starting a fresh kernel…' });
      return runCli(cli, ['run', notebookUri.fsPath, '--html', outPath], {
        signal: abort.signal,
        onStderrLine: (line) => {
          env.output.appendLine(line);
          progress.report({ message: line.length > 120 ? `${line.slice(0, 117)}…` : line });
        },
      });
    },
  ).then(
    (run) => run,
    (e: unknown) => {
      void vscode.window.showWarningMessage(`Export of ${name} stopped: ${describeError(e)}`);
      return undefined;
    },
  );
  if (!result) return undefined;
  env.runsMayHaveChanged();
  env.output.append(result.stdout);
  const written = existsSync(outPath);
  if (result.code !== 0) {
    const why = result.stderr.trim().split('\n').slice(-4).join(' ') || `exit code ${result.code}`;
    const actions = written ? ['Open Report', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`Export of ${name} failed${written ? ' (a report with the error was written)' : ''}: ${why}`, ...actions).then((choice) => follow(choice, env, outPath));
    return written ? outPath : undefined;
  }
  if (!written) {
    void vscode.window.showErrorMessage(`The export finished but ${outPath} is missing; see the Quantbook log.`);
    return undefined;
  }
  // not awaited: the command's result (the path) must not wait for the user to answer
  void vscode.window.showInformationMessage(`Report written: ${vscode.workspace.asRelativePath(outPath)}`, 'Open Report', 'Open HTML Source').then((choice) => follow(choice, env, outPath));
  return outPath;
}

async function follow(choice: string | undefined, env: QuantbookEnv, outPath: string): Promise<void> {
  if (choice === 'Open Report') await showReport(outPath);
  else if (choice === 'Open HTML Source') await vscode.window.showTextDocument(vscode.Uri.file(outPath));
  else if (choice === 'Show Log') env.output.show();
}
