import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { CHART_MIME } from '../kernel-lib/plot/chart';

const ROOT = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

/** Static checks that keep the manifest and the code in step (the snippets: extension-snippets.test.ts). */
describe('extension: manifest and bundle agree', () => {
  it('every contributed command is registered by the extension, and every registered one is contributed', () => {
    const source = readFileSync(join(ROOT, 'extension', 'extension.ts'), 'utf8');
    const registered = [...source.matchAll(/command\('(quantbook\.[\w.]+)'/g)].map((m) => m[1]).sort();
    const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(registered, contributed);
  });

  it('menus and welcome links name contributed commands only', () => {
    const known = new Set(contributes.commands.map((c: { command: string }) => c.command));
    for (const [menu, items] of Object.entries(contributes.menus as Record<string, { command: string }[]>)) {
      for (const item of items) assert.ok(known.has(item.command), `${menu} names unknown command ${item.command}`);
    }
    for (const w of contributes.viewsWelcome) {
      for (const m of (w.contents as string).matchAll(/\(command:(quantbook\.[\w.]+)\)/g)) assert.ok(known.has(m[1]), `welcome names ${m[1]}`);
    }
  });

  it('the renderer claims the chart MIME type and its entrypoint is what the build writes', () => {
    const [renderer] = contributes.notebookRenderer;
    assert.deepEqual(renderer.mimeTypes, [CHART_MIME]);
    assert.equal(renderer.entrypoint, './dist/renderer.js');
    assert.match(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8'), /outfile: 'dist\/renderer\.js', platform: 'browser', format: 'esm'/);
  });

  it('the files the manifest names exist', () => {
    const files = [pkg.icon, contributes.viewsContainers.activitybar[0].icon, ...contributes.snippets.map((s: { path: string }) => s.path), 'media/webview.css'];
    for (const f of files) assert.ok(existsSync(join(ROOT, f)), `${f} is missing`);
  });

  it('the views live in the Quantbook activity-bar container', () => {
    assert.equal(contributes.viewsContainers.activitybar[0].id, 'quantbook');
    assert.deepEqual(contributes.views.quantbook.map((v: { id: string }) => v.id), ['quantbook.library', 'quantbook.history']);
  });

  it('the extension bundle loads neither polars nor jsdom nor Plot: only vscode and Node built-ins', async function () {
    this.timeout(60_000);
    const result = await build({
      entryPoints: [join(ROOT, 'extension', 'extension.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true,
      external: ['vscode', 'nodejs-polars', 'jsdom', 'tslab'], logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(inputs.filter((i) => /node_modules\/(nodejs-polars|jsdom|@observablehq|d3-|apache-arrow)/.test(i)), []);
    const imports = new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    assert.deepEqual([...imports].filter((i) => i !== 'vscode' && !builtins.has(i)), []);
  });
});
