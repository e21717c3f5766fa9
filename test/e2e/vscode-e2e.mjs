// The end-to-end test in a real VS Code (code-server), driven by playwright-core with Debian's
// chromium: sidebar views, the quickstart notebook run with the Quantbook kernel, the chart
// drawn by our renderer, the recorded run in the history view, run details, and the report
// export. Run it through scripts/e2e.mjs (npm run e2e), which installs what it needs.
//
// Each step is checked on its own; a failed step leaves a screenshot (fail-<step>.png) and
// the steps that depend on it are reported as skipped, not hidden.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureCodeServer, freePort, installExtension, isolatedEnv, startCodeServer } from './code-server.mjs';
import { writeSignalFixture } from './fixtures.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/**
 * @param {{ root: string, vsix: string, output: string, chromiumPath?: string, keep?: boolean, log?: (s: string) => void }} options
 * @returns {Promise<{ ok: boolean, steps: object[] }>}
 */
export async function runE2E({ root, vsix, output, chromiumPath = '/usr/bin/chromium', keep = false, log = console.log }) {
  mkdirSync(output, { recursive: true });
  const started = Date.now();
  const steps = [];
  const base = mkdtempSync(join(tmpdir(), 'quantbook-e2e-'));
  const workspace = join(base, 'workspace');
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  for (const d of [workspace, join(userDataDir, 'User'), extensionsDir]) mkdirSync(d, { recursive: true });
  // a fresh user-data-dir per run: a reused one restores old outputs and can make checks pass falsely
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'git.enabled': false,
    // QUANTBOOK_E2E_THEME='Default Light Modern' checks the light look (screenshots) the same way
    'workbench.colorTheme': process.env.QUANTBOOK_E2E_THEME ?? 'Default Dark Modern',
    'window.commandCenter': false,
    'chat.disableAIFeatures': true,
    'notebook.output.scrolling': false,
  }, null, 2));
  const env = isolatedEnv(base);
  let server;
  let browser;
  const step = async (name, fn, { needs = [] } = {}) => {
    const blocked = needs.filter((n) => !steps.find((s) => s.name === n)?.ok);
    if (blocked.length) {
      steps.push({ name, ok: false, skipped: true, detail: `skipped: needs ${blocked.join(', ')}` });
      log(`e2e: - ${name}: skipped (needs ${blocked.join(', ')})`);
      return undefined;
    }
    const t0 = Date.now();
    try {
      const detail = await fn();
      steps.push({ name, ok: true, ms: Date.now() - t0, detail: detail ?? '' });
      log(`e2e: ✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ''}`);
      return detail;
    } catch (e) {
      steps.push({ name, ok: false, ms: Date.now() - t0, detail: String(e?.message ?? e).split('\n').slice(0, 6).join(' | ') });
      log(`e2e: ✘ ${name}: ${String(e?.message ?? e).split('\n').slice(0, 6).join('\n   ')}`);
      if (page) await page.screenshot({ path: join(output, `fail-${name}.png`) }).catch(() => undefined);
      return undefined;
    }
  };
  let page;
  try {
    const entry = ensureCodeServer(root, log);
    mkdirSync(join(workspace, 'signals'));
    await writeSignalFixture(root, join(workspace, 'signals', 'reversal.parquet'));
    await step('install-vsix', async () => {
      const text = installExtension(entry, { vsix, extensionsDir, userDataDir, env });
      if (!/was successfully installed/.test(text)) throw new Error(`code-server --install-extension said: ${text.trim()}`);
      return text.trim().split('\n').pop();
    });
    const port = await freePort();
    server = await startCodeServer(entry, { port, userDataDir, extensionsDir, workspace, env, logFile: join(output, 'code-server.log') });
    // the isolated environment keeps chromium's own state (crash reports, config) out of HOME too
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, env });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar').waitFor({ timeout: 60_000 });
    const ui = new Workbench(page);

    await step('sidebar', async () => {
      await ui.showQuantbookSidebar();
      await page.locator('.pane-header', { hasText: 'Notebook Library' }).waitFor({ timeout: 30_000 });
      await page.locator('.pane-header', { hasText: 'Run History' }).waitFor({ timeout: 30_000 });
      await ui.treeRow('Quantbook quickstart').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(output, '01-sidebar.png') });
      return 'Notebook Library (with the quickstart example) and Run History are shown';
    }, { needs: ['install-vsix'] });

    await step('open-quickstart', async () => {
      await ui.treeRow('Quantbook quickstart').click();
      await page.locator('.notebook-editor').first().waitFor({ timeout: 60_000 });
      await page.locator('.notebook-editor .code-cell-row').first().waitFor({ state: 'attached', timeout: 60_000 });
      const copied = join(workspace, 'notebooks', 'quickstart.ipynb');
      if (!existsSync(copied)) throw new Error(`clicking the example did not copy it to ${copied}`);
      return 'example copied into the workspace (notebooks/quickstart.ipynb) and opened';
    }, { needs: ['sidebar'] });

    await step('select-kernel', async () => {
      await ui.command('Notebook: Select Notebook Kernel');
      const item = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Quantbook (TypeScript)' }).first();
      await item.waitFor({ timeout: 30_000 });
      // filter to our kernel and accept with Enter: rows under a hover tooltip never settle for a click
      await page.locator('.quick-input-widget input').fill('Quantbook (TypeScript)');
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
      await page.locator('.notebook-editor .kernel-label, .notebook-editor [aria-label*="Quantbook (TypeScript)"], .statusbar [aria-label*="Quantbook (TypeScript)"]', { hasText: /Quantbook/ })
        .first().waitFor({ timeout: 20_000 }).catch(() => undefined);
      return 'Quantbook (TypeScript) chosen in the kernel picker';
    }, { needs: ['open-quickstart'] });

    await step('run-all', async () => {
      await page.locator('.notebook-toolbar-container .action-label[aria-label="Run All"]').first().click();
      // the toolbar shows Interrupt while cells run; rows are virtualized, so cells are counted on disk afterwards
      const interrupt = page.locator('.notebook-toolbar-container .action-label[aria-label="Interrupt"]').first();
      await interrupt.waitFor({ timeout: 60_000 });
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline && (await interrupt.isVisible().catch(() => false))) await page.waitForTimeout(1000);
      await page.screenshot({ path: join(output, '02-run-all.png') });
      if (await interrupt.isVisible().catch(() => false)) throw new Error('the notebook was still running after 300 s');
      await ui.command('File: Save');
      await page.waitForTimeout(1500);
      const nb = JSON.parse(readFileSync(join(workspace, 'notebooks', 'quickstart.ipynb'), 'utf8'));
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      const failed = code.find((c) => c.outputs.some((o) => o.output_type === 'error'));
      if (failed) {
        const err = failed.outputs.find((o) => o.output_type === 'error');
        throw new Error(`cell ${code.indexOf(failed) + 1} failed: ${err.ename}: ${err.evalue}`);
      }
      const counts = code.map((c) => c.execution_count);
      if (!counts.every((n, i) => n === i + 1)) throw new Error(`execution counts are ${JSON.stringify(counts)}, expected 1..${code.length}`);
      const charts = code.flatMap((c) => c.outputs).filter((o) => o.data?.['application/vnd.quantbook.plot+json'] && o.data?.['text/html']).length;
      if (!charts) throw new Error('no output carries the chart bundle (application/vnd.quantbook.plot+json + text/html)');
      return `${code.length} code cells ran in order (execution counts ${counts.join(',')}); ${charts} chart bundle(s) saved in the .ipynb`;
    }, { needs: ['select-kernel'] });

    await step('chart-rendered', async () => {
      // outputs are drawn as their cells scroll into view: scroll down the notebook until a chart appears
      const list = page.locator('.notebook-editor .cell-list-container').first();
      const listBox = await list.boundingBox();
      let found;
      for (let i = 0; i < 60 && !found; i++) {
        found = await findInFrames(page, '.quantbook-plot svg', 1_000).catch(() => undefined);
        if (!found && listBox) {
          await page.mouse.move(listBox.x + listBox.width / 2, listBox.y + listBox.height / 2);
          await page.mouse.wheel(0, 400);
        }
      }
      if (!found) throw new Error('no chart drawn by the Quantbook renderer in any output frame');
      const { frame } = found;
      const charts = await frame.evaluate(() => [...document.querySelectorAll('.quantbook-plot')].map((el) => el.dataset.quantbookChart));
      const plot = frame.locator('.quantbook-plot > svg').first();
      // output frames hold every output, visible or not: scroll the notebook until the chart is on screen
      for (let i = 0; i < 30; i++) {
        const b = await plot.boundingBox();
        if (!b || !listBox) break;
        const offset = b.y + b.height / 2 - (listBox.y + listBox.height / 2);
        if (Math.abs(offset) < listBox.height / 4) break;
        await page.mouse.move(listBox.x + listBox.width / 2, listBox.y + listBox.height / 2);
        await page.mouse.wheel(0, Math.max(-600, Math.min(600, offset)));
        await page.waitForTimeout(300);
      }
      await page.screenshot({ path: join(output, '03-chart.png') });
      // the interactive part: hovering a line shows Plot's tip
      const box = await plot.boundingBox();
      let tip = 'not checked';
      if (box) {
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
        await page.waitForTimeout(500);
        const tipShown = await frame.evaluate(() => [...document.querySelectorAll('.quantbook-plot g[aria-label="tip"]')].some((g) => g.childElementCount > 0));
        tip = tipShown ? 'a tooltip appears on hover' : 'no tooltip appeared on hover';
        await page.screenshot({ path: join(output, '04-chart-tooltip.png') });
        if (!tipShown) throw new Error(`the chart is drawn but ${tip}`);
      }
      return `${charts.length} chart(s) drawn by the Quantbook renderer (${charts.join('; ')}); ${tip}`;
    }, { needs: ['run-all'] });

    let runName;
    await step('history-shows-run', async () => {
      await ui.showQuantbookSidebar();
      // the run the notebook recorded, as on disk: its name is what the view must show
      const runsDir = join(workspace, '.quantbook', 'runs');
      const runs = readdirSafe(runsDir).filter((n) => !n.startsWith('.') && existsSync(join(runsDir, n, 'run.json')));
      if (!runs.length) throw new Error(`the notebook recorded no run in ${runsDir}`);
      const newest = JSON.parse(readFileSync(join(runsDir, [...runs].sort().at(-1), 'run.json'), 'utf8'));
      runName = newest.name;
      const row = ui.treeRow(runName, 'Run History');
      await row.waitFor({ timeout: 60_000 });
      const description = await row.locator('.label-description').innerText().catch(() => '');
      await page.screenshot({ path: join(output, '05-history.png') });
      return `the Run history lists "${runName}" (${runs.length} run(s) on disk) with "${description}"`;
    }, { needs: ['run-all'] });

    await step('run-details', async () => {
      await ui.treeRow(runName, 'Run History').click();
      const { frame } = await findInFrames(page, 'h2', 30_000, (f) => f.evaluate(() => document.body?.innerText.includes('Metrics') && document.body.innerText.includes('Params')));
      const text = await frame.evaluate(() => document.body.innerText);
      await page.screenshot({ path: join(output, '06-run-details.png') });
      if (!text.includes(runName)) throw new Error(`the details page does not name the run "${runName}"`);
      return 'run details webview shows the run with metrics and params';
    }, { needs: ['history-shows-run'] });

    await step('export-report', async () => {
      const notebookTab = page.locator('.tabs-container .tab', { hasText: 'quickstart.ipynb' }).first();
      await notebookTab.click();
      await page.locator('.notebook-editor').first().waitFor();
      await ui.command('Quantbook: Export Notebook as Report');
      const report = join(workspace, 'reports', 'quickstart.html');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Report written' });
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline && !(await toast.count())) {
        const failed = await page.locator('.notifications-toasts .notification-toast', { hasText: /Export of .* (failed|stopped)/ }).count();
        if (failed) throw new Error(await page.locator('.notifications-toasts').innerText());
        await page.waitForTimeout(1000);
      }
      await page.screenshot({ path: join(output, '07-export-done.png') });
      if (!existsSync(report)) throw new Error(`${report} was not written within 300 s`);
      const html = readFileSync(report, 'utf8');
      const problems = [];
      if (!/<svg/.test(html)) problems.push('no inline SVG chart');
      if (!/quickstart/i.test(html)) problems.push('does not name the notebook');
      if (/<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/i.test(html)) problems.push('loads resources from the network');
      if (problems.length) throw new Error(`${report}: ${problems.join('; ')}`);
      await toast.getByRole('button', { name: 'Open Report' }).click().catch(() => undefined);
      await findInFrames(page, 'svg', 30_000, (f) => f.evaluate(() => document.body?.innerText.toLowerCase().includes('quickstart'))).catch(() => undefined);
      await page.screenshot({ path: join(output, '08-report.png') });
      return `${report} written (${(html.length / 1024).toFixed(0)} KB, self-contained)`;
    }, { needs: ['run-all'] });

    await step('compare-runs', async () => {
      // the export re-ran the notebook, so the history holds its runs twice: select two in the tree and compare
      await ui.showQuantbookSidebar();
      await ui.command('Quantbook: Refresh Run History');
      const header = page.locator('.pane-header', { hasText: 'Run History' });
      const runRows = header.locator('xpath=..').locator('.monaco-list-row[aria-level="2"]');
      await runRows.nth(1).waitFor({ timeout: 30_000 });
      // a click opens the run's details; let that panel finish opening (it takes the focus) before going on
      await runRows.nth(0).click();
      await findInFrames(page, 'h2', 20_000, (f) => f.evaluate(() => document.body?.innerText.includes('Metrics'))).catch(() => undefined);
      await page.waitForTimeout(1000);
      await runRows.nth(1).click({ modifiers: ['Control'] });
      await page.waitForTimeout(500);
      // from the palette, without Escape (it would clear the tree's selection): the command compares the selection
      await ui.command('Quantbook: Compare Runs', { escape: false });
      const { frame } = await findInFrames(page, 'h1', 60_000, (f) => f.evaluate(() => document.body?.innerText.includes('Compare runs')));
      const text = await frame.evaluate(() => document.body.innerText);
      await page.screenshot({ path: join(output, '09-compare.png') });
      if (!/B − A/.test(text)) throw new Error('the comparison page has no metric difference column');
      return 'comparison webview shows both runs with metric and param differences';
    }, { needs: ['export-report'] });

    await step('kernel-crash', async () => {
      // kill the notebook's kernel process from outside: the crash must be reported, the
      // notebook stay as it is, and a restart must run it again from execution count 1
      const kernelDir = join(workspace, 'notebooks');
      const pids = kernelPids(kernelDir);
      if (pids.length !== 1) throw new Error(`expected one kernel process running in ${kernelDir}, found ${pids.length}`);
      process.kill(pids[0], 'SIGKILL');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /Quantbook kernel of quickstart\.ipynb died/ }).first();
      await toast.waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(output, '12-kernel-died.png') });
      await toast.getByRole('button', { name: 'Restart Kernel' }).click();
      const deadline = Date.now() + 60_000;
      while (kernelPids(kernelDir).length !== 1 && Date.now() < deadline) await page.waitForTimeout(500);
      const restarted = kernelPids(kernelDir);
      if (restarted.length !== 1 || restarted[0] === pids[0]) throw new Error(`no new kernel process after Restart Kernel (${restarted.join(', ') || 'none'})`);
      await page.locator('.tabs-container .tab', { hasText: 'quickstart.ipynb' }).first().click();
      await page.locator('.notebook-toolbar-container .action-label[aria-label="Run All"]').first().click();
      const interrupt = page.locator('.notebook-toolbar-container .action-label[aria-label="Interrupt"]').first();
      await interrupt.waitFor({ timeout: 60_000 });
      while (Date.now() < deadline + 240_000 && (await interrupt.isVisible().catch(() => false))) await page.waitForTimeout(1000);
      await ui.command('File: Save');
      await page.waitForTimeout(1500);
      const nb = JSON.parse(readFileSync(join(kernelDir, 'quickstart.ipynb'), 'utf8'));
      const counts = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count);
      if (!counts.every((n, i) => n === i + 1)) throw new Error(`after the restart the execution counts are ${JSON.stringify(counts)}`);
      return `crash reported; Restart Kernel started pid ${restarted[0]} (was ${pids[0]}); Run All again gave counts ${counts.join(',')}`;
    }, { needs: ['run-all'] });

    await step('run-suite', async () => {
      // from the Explorer's context menu on a signal file, with the quick preset
      await page.keyboard.press('Control+Shift+E');
      const explorer = page.locator('.explorer-folders-view');
      await explorer.waitFor({ timeout: 10_000 });
      const folder = explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^signals$/ }) }).first();
      if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
      const file = explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^reversal\.parquet$/ }) }).first();
      await file.click({ button: 'right' });
      // menus act on the hovered item; a click right after opening can land before the menu listens
      const item = page.locator('.monaco-menu .action-label', { hasText: /^Run Suite$/ }).first();
      await item.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300);
      await item.hover();
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'quick' }).first().waitFor({ timeout: 30_000 });
      await page.locator('.quick-input-widget input').fill('quick');
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /Suite on reversal\.parquet/ });
      await toast.first().waitFor({ timeout: 240_000 });
      const text = await toast.first().innerText();
      await page.screenshot({ path: join(output, '10-suite-done.png') });
      if (/failed|stopped/.test(text)) throw new Error(text.split('\n')[0]);
      const verdict = /: (GREEN|YELLOW|RED)/.exec(text)?.[1];
      if (!verdict) throw new Error(`no verdict in "${text.split('\n')[0]}"`);
      await toast.first().getByRole('button', { name: 'Open Tear Sheet' }).click();
      await findInFrames(page, 'body', 30_000, (f) => f.evaluate(() => /reversal/.test(document.body?.innerText ?? ''))).catch(() => undefined);
      await page.screenshot({ path: join(output, '11-suite-tearsheet.png') });
      const runsDir = join(workspace, '.quantbook', 'runs');
      const kinds = readdirSafe(runsDir).filter((n) => existsSync(join(runsDir, n, 'run.json'))).map((n) => JSON.parse(readFileSync(join(runsDir, n, 'run.json'), 'utf8')).kind);
      if (!kinds.includes('suite')) throw new Error(`no suite run was recorded (kinds: ${kinds.join(', ')})`);
      return `verdict ${verdict}; tear sheet opened; the suite run is in the history`;
    }, { needs: ['sidebar'] });

    await step('new-notebook', async () => {
      await ui.command('Quantbook: New Notebook from Template');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Blank notebook' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.quick-input-widget input').fill('Blank notebook');
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget', { hasText: 'File name in notebooks/' }).waitFor({ timeout: 15_000 });
      await input.fill('e2e-research');
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: 'e2e-research.ipynb' }).first().waitFor({ timeout: 30_000 });
      const file = join(workspace, 'notebooks', 'e2e-research.ipynb');
      const nb = JSON.parse(readFileSync(file, 'utf8'));
      if (nb.metadata?.kernelspec?.name !== 'tslab') throw new Error(`${file} lacks the TypeScript kernelspec`);
      await ui.showQuantbookSidebar();
      await ui.treeRow('e2e research', 'Notebook Library').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(output, '13-new-notebook.png') });
      return 'blank template saved as notebooks/e2e-research.ipynb, opened, and listed in the library';
    }, { needs: ['sidebar'] });
  } catch (e) {
    steps.push({ name: 'setup', ok: false, detail: String(e?.message ?? e) });
    log(`e2e: ✘ setup: ${e?.stack ?? e}`);
    if (page) await page.screenshot({ path: join(output, 'fail-setup.png') }).catch(() => undefined);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!keep) rmSync(base, { recursive: true, force: true });
    else log(`e2e: kept ${base}`);
  }
  const ok = steps.length > 0 && steps.every((s) => s.ok);
  writeFileSync(join(output, 'results.json'), JSON.stringify({ ok, seconds: Math.round((Date.now() - started) / 1000), steps }, null, 2) + '\n');
  return { ok, steps };
}

/** Small helpers over VS Code's workbench DOM. */
class Workbench {
  constructor(page) {
    this.page = page;
  }

  /** Opens the Quantbook container (clicking its icon when it is already open would close the sidebar). */
  async showQuantbookSidebar() {
    if (await this.page.locator('.sidebar .pane-header', { hasText: 'Run History' }).isVisible().catch(() => false)) return;
    await this.page.locator('.activitybar [aria-label^="Quantbook"]').first().click();
  }

  /** Runs a command through the command palette (F1), by its exact title. */
  async command(title, { escape = true } = {}) {
    const input = this.page.locator('.quick-input-widget input');
    // a focused webview (a report, run details) does not always pass F1 on: give the focus back to the workbench
    if (await this.page.evaluate(() => document.activeElement?.tagName === 'IFRAME')) await this.page.locator('.part.titlebar').click({ position: { x: 200, y: 10 } });
    if (escape) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    // the palette lists fuzzy matches too: move the focus to the row whose label is exactly the title, then Enter
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    const isTitle = (l) => l === title || l.startsWith(`${title},`);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const labels = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label') ?? '', e.classList.contains('focused')]));
      const target = labels.findIndex(([l]) => isTitle(l));
      const focused = labels.findIndex(([, f]) => f);
      if (target >= 0 && focused === target) {
        await this.page.keyboard.press('Enter');
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
        return;
      }
      if (target >= 0 && focused >= 0) await this.page.keyboard.press(target > focused ? 'ArrowDown' : 'ArrowUp');
      else if (Date.now() > deadline) throw new Error(`no command "${title}" in the palette (it lists: ${labels.map(([l]) => l).slice(0, 5).join(' | ')})`);
      await this.page.waitForTimeout(200);
    }
  }

  /** The row of a tree view whose label is exactly `label`, optionally inside the view pane with the given title. */
  treeRow(label, pane) {
    const scope = pane ? this.page.locator('.pane-header', { hasText: pane }).locator('xpath=..') : this.page.locator('.sidebar');
    return scope.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  }
}

/** The first frame (webview iframes included) holding `selector` (and passing `accept`). */
async function findInFrames(page, selector, timeoutMs, accept) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        const count = await frame.locator(selector).count();
        if (count && (!accept || (await accept(frame)))) return { frame, count };
      } catch {
        // frames come and go while VS Code renders
      }
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no frame with ${selector} within ${timeoutMs / 1000} s`);
}

/** Kernel host processes (dist/kernel-host.js) whose working folder is `cwd`. */
function kernelPids(cwd) {
  const pids = [];
  for (const name of readdirSafe('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes('kernel-host.js') && readlinkSync(`/proc/${name}/cwd`) === cwd) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function readdirSafe(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}
