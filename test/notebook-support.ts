import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const DIST_LIB = join(ROOT, 'dist', 'kernel-lib.js');

/**
 * Notebook cells import 'quantbook', which the kernel resolves to dist/kernel-lib.js (+ its
 * .d.ts). `npm test` builds first; a single test file run on its own rebuilds when the
 * bundle is missing or older than a kernel-lib source file.
 */
export function ensureBuilt(): void {
  const targets = [DIST_LIB, join(ROOT, 'dist', 'kernel-lib.d.ts'), join(ROOT, 'dist', 'kernel-host.js'), join(ROOT, 'dist', 'cli.js')];
  const builtAt = Math.min(...targets.map((t) => (existsSync(t) ? statSync(t).mtimeMs : 0)));
  if (builtAt > newestSource(join(ROOT, 'kernel-lib'))) return;
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } catch (e) {
    // the declaration step fails on type errors elsewhere in the tree but still emits; the bundles are what we need
    if (!targets.every(existsSync)) throw e;
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
