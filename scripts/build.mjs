// Builds the three bundles: the notebook-facing API (CommonJS, with Plot/d3 bundled in
// because tslab compiles cells to require()), the CLI, and the VS Code extension.
// nodejs-polars (native .node) and jsdom stay external.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
if (existsSync('extension/extension.ts')) entries.push({ entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js' });
for (const worker of ['kernel-lib/optimize/worker.ts', 'kernel-lib/suite/worker.ts']) {
  if (existsSync(worker)) entries.push({ entryPoints: [worker], outfile: `dist/${worker.split('/')[1]}-worker.js` });
}

await Promise.all(entries.map((e) => build({ ...common, ...e })));

// Types for notebooks and users of the bundle.
execFileSync(process.execPath, [
  'node_modules/typescript/bin/tsc', 'kernel-lib/index.ts', '--declaration', '--emitDeclarationOnly',
  '--outDir', 'dist/types', '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node10',
  '--strict', '--esModuleInterop', '--skipLibCheck', '--resolveJsonModule', '--types', 'node',
], { stdio: 'inherit' });
