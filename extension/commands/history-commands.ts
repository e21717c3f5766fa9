import * as vscode from 'vscode';
import type { RunRecord } from '../../kernel-lib/tracking/run-record';
import { keyMetricsText } from '../history/run-groups';
import { type QuantbookEnv } from '../quantbook-env';
import type { HistoryNode, HistoryView } from '../views/history-view';
import { showComparison, showRunDetails } from '../webviews/run-panels';

/** Run history commands: details, compare, delete. Arguments come from the tree (node, selection) or, from the palette, a picker. */
export async function openRunDetails(env: QuantbookEnv, view: HistoryView, node?: HistoryNode | string): Promise<void> {
  const id = typeof node === 'string' ? node : node?.kind === 'run' ? node.run.run_id : (await pickRuns(view, 1, 'Open run details'))?.[0]?.run_id;
  if (id) await showRunDetails(env, id);
}

export async function compareRuns(env: QuantbookEnv, view: HistoryView, node?: HistoryNode, selection?: readonly HistoryNode[]): Promise<void> {
  let runs = treeNodes(node, selection).flatMap((n) => (n.kind === 'run' ? [n.run] : []));
  if (runs.length > 2) {
    void vscode.window.showWarningMessage(`Select two runs to compare (${runs.length} are selected).`);
    return;
  }
  if (runs.length < 2) {
    const others = (await view.runs()).filter((r) => !runs.some((s) => s.run_id === r.run_id));
    const picked = await pickFrom(others, 2 - runs.length, runs.length ? `Compare ${runs[0].name} with…` : 'Compare two runs');
    if (!picked) return;
    runs = [...runs, ...picked];
  }
  // A is the older run, so B - A reads as "what changed since"
  const [a, b] = [...runs].sort((x, y) => Date.parse(x.created_at) - Date.parse(y.created_at));
  await showComparison(env, a.run_id, b.run_id);
}

export async function deleteRun(env: QuantbookEnv, view: HistoryView, node?: HistoryNode, selection?: readonly HistoryNode[]): Promise<void> {
  const targets = treeNodes(node, selection).flatMap((n) =>
    n.kind === 'run' ? [{ id: n.run.run_id, label: n.run.name }] : n.kind === 'damaged' ? [{ id: n.damaged.id, label: n.damaged.id }] : [],
  );
  if (!targets.length) {
    const picked = await pickRuns(view, 1, 'Delete a run');
    if (!picked) return;
    targets.push(...picked.map((r) => ({ id: r.run_id, label: r.name })));
  }
  const what = targets.length === 1 ? `run "${targets[0].label}" (${targets[0].id})` : `${targets.length} runs`;
  const confirm = await vscode.window.showWarningMessage(`Delete ${what}? Its folder and artifacts are removed.`, { modal: true }, 'Delete');
  if (confirm !== 'Delete') return;
  const history = await env.history();
  if (!history) return;
  for (const t of targets) {
    await history.delete(t.id);
    env.log(`deleted run ${t.id}`);
  }
  view.refresh();
}

/**
 * The nodes a command acts on: the tree's multi-selection, else the clicked node. What VS
 * Code passes depends on where the command ran (context menu, view title, palette), so
 * anything that is not one of our nodes is dropped.
 */
function treeNodes(node: unknown, selection: unknown): HistoryNode[] {
  const isNode = (n: unknown): n is HistoryNode => typeof n === 'object' && n !== null && typeof (n as { kind?: unknown }).kind === 'string';
  const selected = Array.isArray(selection) ? selection.filter(isNode) : [];
  return selected.length ? selected : isNode(node) ? [node] : [];
}

async function pickRuns(view: HistoryView, count: number, title: string): Promise<RunRecord[] | undefined> {
  return pickFrom(await view.runs(), count, title);
}

async function pickFrom(runs: RunRecord[], count: number, title: string): Promise<RunRecord[] | undefined> {
  if (runs.length < count) {
    void vscode.window.showInformationMessage(count === 1 ? 'The run history is empty.' : `The run history has fewer than ${count} other runs.`);
    return undefined;
  }
  const items = runs.map((run) => ({ label: run.name, description: `${run.kind} · ${new Date(run.created_at).toLocaleString()}`, detail: keyMetricsText(run.metrics, 4), run }));
  if (count === 1) {
    const one = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
    return one ? [one.run] : undefined;
  }
  const many = await vscode.window.showQuickPick(items, { title: `${title} (pick ${count})`, canPickMany: true, matchOnDescription: true });
  if (!many) return undefined;
  if (many.length !== count) {
    void vscode.window.showWarningMessage(`Pick exactly ${count} runs (you picked ${many.length}).`);
    return undefined;
  }
  return many.map((m) => m.run);
}
