// npm run e2e: the end-to-end test in code-server (test/e2e/vscode-e2e.mjs).
//   node scripts/e2e.mjs [--vsix FILE] [--no-package] [--keep]
// Installs code-server into node_modules/.cache/quantbook-e2e on first use (~2-6 min; needs
// Debian pkg-config and libkrb5-dev), packages the VSIX (npm run package) unless given one,
// and needs Debian's chromium (/usr/bin/chromium, or QUANTBOOK_CHROMIUM). Screenshots and
// results.json go to test/e2e/output/.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runE2E } from '../test/e2e/vscode-e2e.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { vsix: { type: 'string' }, 'no-package': { type: 'boolean' }, keep: { type: 'boolean' } } });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = resolve(values.vsix ?? join(root, 'out', `${pkg.name}-${pkg.version}-${process.platform}-${process.arch}.vsix`));
const chromiumPath = process.env.QUANTBOOK_CHROMIUM ?? '/usr/bin/chromium';

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`e2e: needs Node 24 (code-server 4.139 runs on it); this is ${process.version}. Run it with npm run e2e.`);
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.error(`e2e: no chromium at ${chromiumPath}: apt-get update && apt-get install -y chromium (or set QUANTBOOK_CHROMIUM)`);
  process.exit(2);
}
if (!values.vsix && !values['no-package']) {
  execFileSync(process.execPath, [join(root, 'scripts', 'package-vsix.mjs'), vsix], { cwd: root, stdio: 'inherit' });
}
if (!existsSync(vsix)) {
  console.error(`e2e: ${vsix} is missing: run npm run package`);
  process.exit(2);
}
const output = join(root, 'test', 'e2e', 'output');
const { ok, steps } = await runE2E({ root, vsix, output, chromiumPath, keep: values.keep });
console.log(`e2e: ${steps.filter((s) => s.ok).length} of ${steps.length} steps passed; screenshots and results.json in ${output}`);
process.exit(ok ? 0 : 1);
