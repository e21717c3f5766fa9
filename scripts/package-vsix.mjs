// Packages the extension as a VSIX for linux-x64 (npm run package; after npm run build).
//
// Runtime dependencies ride inside the VSIX: vsce collects the production dependency tree
// (`npm ls --omit=dev`) from node_modules - nodejs-polars with its native linux-x64 binary,
// jsdom, tslab (with zeromq and its own TypeScript) - and .vscodeignore keeps out everything
// else. The native polars binary makes the package platform-specific, hence --target.
// vsce itself comes from the npm registry on demand (npx), not from our dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const target = process.env.QUANTBOOK_VSIX_TARGET ?? `${process.platform}-${process.arch}`;
const out = process.argv[2] ?? join(root, 'out', `${pkg.name}-${pkg.version}-${target}.vsix`);

for (const file of ['dist/extension.js', 'dist/renderer.js', 'dist/kernel-host.js', 'dist/kernel-lib.js', 'dist/cli.js']) {
  if (!existsSync(join(root, file))) {
    console.error(`package: ${file} is missing; run npm run build first`);
    process.exit(1);
  }
}
mkdirSync(dirname(out), { recursive: true });

// npx runs vsce on the Node running this script (24): put its directory first on PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
const started = Date.now();
execFileSync('npx', [
  '-y', '@vscode/vsce@4', 'package', '--no-yarn',
  '--target', target,
  '--out', out,
  '--allow-missing-repository',
  // The README's links are relative to the repository (docs/, images); there is no public URL to rewrite them to.
  '--no-rewrite-relative-links',
  '--skip-license',
], { cwd: root, env, stdio: 'inherit' });
const mb = (statSync(out).size / 1024 / 1024).toFixed(1);
console.log(`package: ${out} (${mb} MB, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
