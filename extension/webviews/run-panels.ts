import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, relative, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { StoredRunJson } from '../history/history-client';
import { describeError, type QuantbookEnv } from '../quantbook-env';
import { compareHtml, runDetailsHtml, withStyleReset, type ArtifactLink, type ChartImage, type PageFrame } from './run-html';

const detailPanels = new Map<string, vscode.WebviewPanel>();

/** The run details webview: facts, metrics, params, chart SVGs and artifacts of one run. */
export async function showRunDetails(env: QuantbookEnv, runId: string): Promise<void> {
  const existing = detailPanels.get(runId);
  if (existing) {
    existing.reveal();
    return;
  }
  const history = await env.history();
  if (!history) throw new Error('open a folder first: the run history lives in the workspace');
  const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading run ${runId}` }, () => history.show(runId));
  const panel = vscode.window.createWebviewPanel('quantbook.runDetails', `Run: ${run.name}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.file(run.dir), mediaUri(env)],
  });
  detailPanels.set(runId, panel);
  panel.onDidDispose(() => detailPanels.delete(runId));
  panel.webview.onDidReceiveMessage((m: { type?: string; path?: string }) => openArtifact(run, m));
  panel.webview.html = runDetailsHtml(frame(env, panel.webview, `Run ${run.name}`), run, chartImages(panel.webview, run), artifactLinks(run));
}

/** The comparison webview: metric and param differences and the overlaid equity (or IC) chart. */
export async function showComparison(env: QuantbookEnv, idA: string, idB: string): Promise<void> {
  const history = await env.history();
  if (!history) throw new Error('open a folder first: the run history lives in the workspace');
  const dir = join(env.context.globalStorageUri.fsPath, 'compare');
  await mkdir(dir, { recursive: true });
  const svgPath = join(dir, `${idA}-vs-${idB}.svg`);
  const [cmp, a, b] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comparing runs' }, () =>
    Promise.all([history.compare(idA, idB, svgPath), history.show(idA), history.show(idB)]),
  );
  const panel = vscode.window.createWebviewPanel('quantbook.compareRuns', `Compare: ${a.name} vs ${b.name}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.file(dir), mediaUri(env)],
  });
  const overlay: ChartImage | undefined = cmp.series && existsSync(svgPath)
    ? { name: `${cmp.series.artifact} overlay`, uri: `${panel.webview.asWebviewUri(vscode.Uri.file(svgPath))}?${Date.now()}` }
    : undefined;
  panel.webview.html = compareHtml(frame(env, panel.webview, 'Compare runs'), a, b, cmp, overlay);
}

/**
 * A report (a self-contained HTML file) shown inside VS Code, scripts disabled. VS Code puts
 * default styles (theme colours, code backgrounds) into every webview; a reset placed before
 * the report's own styles takes those back to a plain light page, so the report looks as in a
 * browser while its own rules still win. (A nested iframe would isolate it fully but swallows
 * VS Code's keyboard shortcuts once clicked.)
 */
export async function showReport(htmlPath: string): Promise<void> {
  const panel = vscode.window.createWebviewPanel('quantbook.report', `Report: ${basename(htmlPath)}`, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
  panel.webview.html = withStyleReset(await readFile(htmlPath, 'utf8'));
}

function frame(env: QuantbookEnv, webview: vscode.Webview, title: string): PageFrame {
  return {
    title,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaUri(env), 'webview.css')).toString(),
  };
}

function mediaUri(env: QuantbookEnv): vscode.Uri {
  return vscode.Uri.file(join(env.extensionDir, 'media'));
}

/** A chart artifact is stored as `<name>.chart.json` + `<name>.svg`; the SVG is what the page shows. */
function chartImages(webview: vscode.Webview, run: StoredRunJson): ChartImage[] {
  const images: ChartImage[] = [];
  for (const a of run.artifacts) {
    const file = a.type === 'chart' ? `${a.name}.svg` : a.type === 'svg' ? a.file : undefined;
    if (!file || !existsSync(join(run.dir, file))) continue;
    images.push({ name: a.name, uri: webview.asWebviewUri(vscode.Uri.file(join(run.dir, file))).toString() });
  }
  return images;
}

function artifactLinks(run: StoredRunJson): ArtifactLink[] {
  return run.artifacts.map((a) => ({ ...a, path: join(run.dir, a.file) }));
}

function openArtifact(run: StoredRunJson, message: { type?: string; path?: string }): void {
  if (message.type !== 'openArtifact' || typeof message.path !== 'string') return;
  // only files of this run: the page is not trusted to name arbitrary paths
  const rel = relative(run.dir, message.path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return;
  const uri = vscode.Uri.file(message.path);
  const opened = message.path.endsWith('.html') ? showReport(message.path) : vscode.commands.executeCommand('vscode.open', uri);
  Promise.resolve(opened).catch((e: unknown) => vscode.window.showErrorMessage(`Could not open ${basename(message.path!)}: ${describeError(e)}`));
}
