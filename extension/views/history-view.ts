import * as vscode from 'vscode';
import type { DamagedRun } from '../../kernel-lib/tracking/run-history';
import type { RunRecord } from '../../kernel-lib/tracking/run-record';
import type { HistoryListing } from '../history/history-client';
import { groupRunsByDay, keyMetricsText, localTime, formatMetric, type DayGroup } from '../history/run-groups';
import { describeError, type QuantbookEnv } from '../quantbook-env';

export type HistoryNode =
  | { kind: 'day'; group: DayGroup }
  | { kind: 'run'; run: RunRecord }
  | { kind: 'damaged-group'; damaged: DamagedRun[] }
  | { kind: 'damaged'; damaged: DamagedRun }
  | { kind: 'message'; text: string; error?: boolean };

/**
 * The Run history view: runs of the workspace's history grouped by day, newest first, each
 * with its key metrics. The listing comes from `quantbook history list --json` in a child
 * process; it is refreshed when a kernel records a run, when the runs folder changes on disk
 * (other processes, the CLI, report exports) and on demand.
 */
export class HistoryView implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private listing: Promise<HistoryListing | string> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private watchedRoot: string | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly env: QuantbookEnv) {
    this.disposables.push(env.onDidChangeRuns(() => this.refreshSoon()));
    this.watchRuns();
  }

  refresh(): void {
    this.listing = undefined;
    this.watchRuns();
    this.changed.fire(undefined);
  }

  /** Several signals often arrive together (a run folder renamed into place, the kernel's event): one listing for all. */
  refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 400);
  }

  /** The current runs, newest first (for pickers). */
  async runs(): Promise<RunRecord[]> {
    const listing = await this.load();
    return typeof listing === 'string' ? [] : listing.runs;
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    if (node?.kind === 'day') return node.group.runs.map((run) => ({ kind: 'run', run }));
    if (node?.kind === 'damaged-group') return node.damaged.map((damaged) => ({ kind: 'damaged', damaged }));
    if (node) return [];
    const listing = await this.load();
    if (typeof listing === 'string') return [{ kind: 'message', text: listing, error: true }];
    // an empty view shows the viewsWelcome content instead
    if (!listing.runs.length && !listing.damaged.length) return [];
    const nodes: HistoryNode[] = groupRunsByDay(listing.runs).map((group) => ({ kind: 'day', group }));
    if (listing.damaged.length) nodes.push({ kind: 'damaged-group', damaged: listing.damaged });
    return nodes;
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'day': {
        const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.group.runs.length} run${node.group.runs.length === 1 ? '' : 's'}`;
        item.id = `day:${node.group.day}`;
        item.contextValue = 'day';
        item.iconPath = new vscode.ThemeIcon('calendar');
        return item;
      }
      case 'run': {
        const { run } = node;
        const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
        item.id = `run:${run.run_id}`;
        item.description = [keyMetricsText(run.metrics), localTime(run.created_at)].filter(Boolean).join('  ·  ');
        item.tooltip = runTooltip(run);
        item.contextValue = 'run';
        item.iconPath = new vscode.ThemeIcon(kindIcon(run.kind));
        item.command = { command: 'quantbook.openRunDetails', title: 'Open Run Details', arguments: [node] };
        return item;
      }
      case 'damaged-group': {
        const item = new vscode.TreeItem(`Damaged (${node.damaged.length})`, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('warning');
        item.tooltip = 'Run folders that cannot be read: a write that died half-way, a hand-edited or foreign folder';
        return item;
      }
      case 'damaged': {
        const item = new vscode.TreeItem(node.damaged.id, vscode.TreeItemCollapsibleState.None);
        item.description = node.damaged.problem;
        item.tooltip = `${node.damaged.path}\n${node.damaged.problem}`;
        item.contextValue = 'damagedRun';
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        item.tooltip = node.text;
        return item;
      }
    }
  }

  private load(): Promise<HistoryListing | string> {
    this.listing ??= (async () => {
      const history = await this.env.history();
      if (!history) return 'Open a folder to see its run history.';
      try {
        const listing = await history.list();
        for (const d of listing.damaged) this.env.log(`damaged run folder ${d.path}: ${d.problem}`);
        return listing;
      } catch (e) {
        this.env.log(`history list failed: ${describeError(e)}`);
        return `Could not read the run history: ${describeError(e)}`;
      }
    })();
    return this.listing;
  }

  /** Watches the run folders directly under the runs root (a run appears as a folder renamed into place). */
  private watchRuns(): void {
    const root = this.env.runsRoot();
    if (root === this.watchedRoot) return;
    this.watcher?.dispose();
    this.watchedRoot = root;
    if (!root) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '*'));
    const changed = () => this.refreshSoon();
    this.watcher.onDidCreate(changed);
    this.watcher.onDidDelete(changed);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function runTooltip(run: RunRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(run.name)}** · ${escapeMd(run.kind)}\n\n`);
  md.appendMarkdown(`\`${run.run_id}\` · ${new Date(run.created_at).toLocaleString()}\n\n`);
  const metrics = Object.entries(run.metrics);
  if (metrics.length) md.appendMarkdown(metrics.slice(0, 12).map(([k, v]) => `- ${escapeMd(k)}: ${formatMetric(v)}`).join('\n') + '\n\n');
  if (run.tags.length) md.appendMarkdown(`tags: ${run.tags.map(escapeMd).join(', ')}\n\n`);
  return md;
}

function kindIcon(kind: string): string {
  switch (kind) {
    case 'backtest': return 'graph-line';
    case 'optimize': return 'settings';
    case 'wfa': return 'debug-step-over';
    case 'suite': return 'checklist';
    case 'research': return 'beaker';
    case 'notebook': return 'notebook';
    default: return 'circle-outline';
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
