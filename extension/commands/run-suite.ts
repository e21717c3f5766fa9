import * as vscode from 'vscode';
import { runCli, splitArgs } from '../cli-process';
import { describeError, type QuantbookEnv } from '../quantbook-env';

/**
 * "Run suite": `quantbook suite ...` in a child process with a cancellable progress
 * notification; the suite records its run, which then shows in the Run history.
 * Until the CLI has a `suite` command this says so plainly instead of failing obscurely.
 */
export async function runSuite(env: QuantbookEnv): Promise<void> {
  const cli = await env.cli();
  const probe = await runCli(cli, ['suite', '--help']);
  if (probe.code !== 0) {
    env.log(`run suite: the CLI has no suite command (${probe.stderr.trim().split('\n')[0] ?? `exit ${probe.code}`})`);
    void vscode.window.showWarningMessage('Run suite is not available yet: this Quantbook has no suite runner (`quantbook suite`). It arrives with the suite feature.');
    return;
  }
  const usage = probe.stdout.trim().split('\n')[0]?.replace(/^usage:\s*/, '') ?? 'quantbook suite ...';
  const args = await vscode.window.showInputBox({
    title: 'Run suite',
    prompt: usage,
    placeHolder: 'arguments after "quantbook suite"',
    ignoreFocusOut: true,
  });
  if (args === undefined) return;
  const argv = splitArgs(args);
  env.log(`run suite: quantbook suite ${argv.join(' ')}`);
  const run = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Running the suite', cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runCli(cli, ['suite', ...argv], {
        signal: abort.signal,
        onStderrLine: (line) => {
          env.output.appendLine(line);
          progress.report({ message: line.slice(0, 120) });
        },
      });
    },
  ).then((r) => r, (e: unknown) => {
    void vscode.window.showWarningMessage(`Suite stopped: ${describeError(e)}`);
    return undefined;
  });
  if (!run) return;
  env.output.append(run.stdout);
  env.runsMayHaveChanged();
  if (run.code === 0) void vscode.window.showInformationMessage('Suite finished: its run is in the Run history.', 'Show Output').then((c) => c && env.output.show());
  else void vscode.window.showErrorMessage(`Suite failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`, 'Show Output').then((c) => c && env.output.show());
}
