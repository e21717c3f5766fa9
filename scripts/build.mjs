// Builds the three bundles: the notebook-facing API (CommonJS, with Plot/d3 bundled in
// because tslab compiles cells to require()), the CLI, and the VS Code extension.
// nodejs-polars (native .node) and jsdom stay external.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['nodejs-polars', 'jsdom', 'vscode', 'tslab'],
};

const entries = [
  { entryPoints: ['kernel-lib/index.ts'], outfile: 'dist/kernel-lib.js' },
  { entryPoints: ['kernel-lib/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
// The notebook kernel host (a child process per notebook); tslab's TypeScript stays external.
entries.push({ entryPoints: ['kernel-lib/notebook/kernel-host.ts'], outfile: 'dist/kernel-host.js', external: [...common.external, '@tslab/typescript-for-tslab'] });
if (existsSync('extension/extension.ts')) entries.push({ entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js' });
// The notebook renderer runs in the output webview: an ES module with Observable Plot bundled in.
if (existsSync('extension/renderer/plot-renderer.ts')) {
  entries.push({ entryPoints: ['extension/renderer/plot-renderer.ts'], outfile: 'dist/renderer.js', platform: 'browser', format: 'esm', target: 'es2022', external: [] });
}
for (const worker of ['kernel-lib/optimize/worker.ts', 'kernel-lib/suite/worker.ts', 'kernel-lib/research/worker.ts']) {
  if (existsSync(worker)) entries.push({ entryPoints: [worker], outfile: `dist/${worker.split('/')[1]}-worker.js` });
}

await Promise.all(entries.map((e) => build({ ...common, ...e })));

// `import * as qb from '../dist/kernel-lib'` (and the kernel's 'quantbook' module) find their types here.
// The polars type aliases (pl.LazyFrame, pl.DataType) travel with the declarations.
mkdirSync('dist/types/types', { recursive: true });
copyFileSync('kernel-lib/types/polars-augment.d.ts', 'dist/types/types/polars-augment.d.ts');
writeFileSync('dist/kernel-lib.d.ts', "/// <reference path=\"./types/types/polars-augment.d.ts\" />\nexport * from './types/index';\n");
// Inside this checkout, plain tslab (Jupyter's kernel) resolves `import * as qb from 'quantbook'`
// through this shim; our own kernel host maps the name itself.
mkdirSync('node_modules/quantbook', { recursive: true });
writeFileSync('node_modules/quantbook/package.json', '{"name":"quantbook","private":true,"main":"index.js","types":"index.d.ts"}\n');
writeFileSync('node_modules/quantbook/index.js', "module.exports = require('../../dist/kernel-lib.js');\n");
writeFileSync('node_modules/quantbook/index.d.ts', "export * from '../../dist/kernel-lib';\n");
// Types for notebooks and users of the bundle.
execFileSync(process.execPath, [
  'node_modules/typescript/bin/tsc', 'kernel-lib/index.ts', 'kernel-lib/types/polars-augment.d.ts', '--declaration', '--emitDeclarationOnly',
  '--outDir', 'dist/types', '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node10',
  '--strict', '--esModuleInterop', '--skipLibCheck', '--resolveJsonModule', '--types', 'node',
], { stdio: 'inherit' });
