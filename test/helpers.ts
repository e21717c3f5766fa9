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

/** Runs the `quantbook` CLI in-process (kernel-lib/cli.ts `main`), capturing stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  process.env.QUANTBOOK_RUNS ??= testRuns();
  // required lazily: most test files never run the CLI
  const { main } = require('../kernel-lib/cli') as typeof import('../kernel-lib/cli');
  let stdout = '';
  let stderr = '';
  const write = process.stdout.write.bind(process.stdout);
  const log = console.log;
  const error = console.error;
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  console.log = (...xs: unknown[]) => { stdout += xs.join(' ') + '\n'; };
  console.error = (...xs: unknown[]) => { stderr += xs.join(' ') + '\n'; };
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = write;
    console.log = log;
    console.error = error;
  }
}

let runsDir: string | undefined;

/** Where the commands the tests run record their runs (not the workspace's own history). */
function testRuns(): string {
  if (!runsDir) {
    const dir = (runsDir = mkdtempSync(join(tmpdir(), 'quantbook-test-runs-')));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return runsDir;
}
