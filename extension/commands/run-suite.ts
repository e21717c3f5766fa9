import { basename } from 'node:path';
import * as vscode from 'vscode';
import { runCli, runCliJson } from '../cli-process';
import { describeError, type QuantbookEnv } from '../quantbook-env';
import { ProgressTracker, parseSuiteEvent, type SuiteEvent } from '../suite/suite-events';
import { showReport, showRunDetails } from '../webviews/run-panels';

/**
 * "Run suite": the evaluation suite on a signal file, `quantbook suite --progress-json` in a
 * child process. Its progress events drive a cancellable notification; the result offers the
 * tear sheet and the recorded run (which also appears in the Run history).
 */
export async function runSuite(env: QuantbookEnv, target?: vscode.Uri): Promise<void> {
  const signal = target ?? (await pickSignalFile(env));
  if (!signal) return;
  const snapshot = await pickSnapshot(env);
  if (!snapshot) return;
  const preset = await vscode.window.showQuickPick(
    [
      { label: 'standard', description: 'every lag and residualization variant, all baselines' },
      { label: 'quick', description: 'fewer variants: a first look in seconds' },
    ],
    { title: 'Run suite: preset' },
  );
  if (!preset) return;

  const cli = await env.cli();
  const runs = env.runsRoot();
  const args = ['suite', '--signal', signal.fsPath, '--snapshot', snapshot, '--preset', preset.label, '--progress-json', ...(runs ? ['--runs', runs] : [])];
  env.log(`run suite: quantbook ${args.join(' ')}`);
  const name = basename(signal.fsPath);
  let result: Extract<SuiteEvent, { type: 'result' }> | undefined;
  let failure: Extract<SuiteEvent, { type: 'error' }> | undefined;
  const run = await vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title: `Suite: ${name}`, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const tracker = new ProgressTracker();
      progress.report({ message: 'starting…' });
      return runCli(cli, args, {
        signal: abort.signal,
        onStderrLine: (line) => {
          const event = parseSuiteEvent(line);
          if (!event) return env.output.appendLine(line);
          if (event.type === 'progress') progress.report({ increment: tracker.increment(event.done, event.total), message: `${event.done}/${event.total} ${event.label}` });
          else if (event.type === 'result') result = event;
          else failure = event;
        },
      });
    })
    .then((r) => r, (e: unknown) => {
      void vscode.window.showWarningMessage(`Suite on ${name} stopped: ${describeError(e)}`);
      return undefined;
    });
  if (!run) return;
  env.output.append(run.stdout);
  env.runsMayHaveChanged();
  if (run.code !== 0 || !result) {
    const why = failure ? `${failure.message} [${failure.code}]` : run.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${run.code}`;
    void vscode.window.showErrorMessage(`Suite on ${name} failed: ${why}`, 'Show Log').then((c) => c && env.output.show());
    return;
  }
  const done = result;
  const actions = done.run_id ? ['Open Tear Sheet', 'Open Run'] : ['Open Tear Sheet'];
  void vscode.window.showInformationMessage(`Suite on ${name}: ${done.verdict.toUpperCase()}`, ...actions).then(async (choice) => {
    if (choice === 'Open Tear Sheet') await showReport(done.tearsheet);
    if (choice === 'Open Run' && done.run_id) await showRunDetails(env, done.run_id);
  });
}

async function pickSignalFile(env: QuantbookEnv): Promise<vscode.Uri | undefined> {
  const ws = env.workspaceRoot();
  const picked = await vscode.window.showOpenDialog({
    title: 'Run suite: the signal file (security_id, date_sig, date_avail, signal)',
    canSelectMany: false,
    openLabel: 'Run Suite',
    filters: { 'Signal table': ['csv', 'parquet'] },
    ...(ws && { defaultUri: vscode.Uri.file(ws) }),
  });
  return picked?.[0];
}

/** The snapshot to evaluate on: the embedded sample unless the workspace catalog has others. */
async function pickSnapshot(env: QuantbookEnv): Promise<string | undefined> {
  const listing = await runCliJson<{ snapshots: { name: string; snapshot_id: string; securities?: number }[] }>(await env.cli(), ['snapshots']).catch((e: unknown) => {
    env.log(`snapshots: ${describeError(e)}`);
    return { snapshots: [] };
  });
  const names = [...new Set(listing.snapshots.map((s) => s.name))];
  if (!names.length) return 'sample';
  const choice = await vscode.window.showQuickPick(
    [{ label: 'sample', description: 'the embedded S&P 500 sample' }, ...names.map((n) => ({ label: n, description: 'workspace catalog' }))],
    { title: 'Run suite: data snapshot' },
  );
  return choice?.label;
}
