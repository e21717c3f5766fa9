import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** ../shared/data beside the project root, or undefined on a user's clone that has none. */
export const SHARED_DATA = (() => {
  const dir = resolve(__dirname, '..', '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
})();

/**
 * Path of a file in ../shared/data. Inside a mocha `it`/`before`, skips the test (saying why)
 * when ../shared is absent, as on a user's clone.
 */
export function sharedData(ctx: Mocha.Context, file: string): string {
  if (!SHARED_DATA) {
    console.log(`      (skipped: ../shared/data/${file} is not present on this machine)`);
    ctx.skip();
  }
  return join(SHARED_DATA!, file);
}

/** A fresh temporary directory, removed after the current mocha suite. */
export function tempDir(prefix = 'quantbook-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
