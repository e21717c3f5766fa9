// npm run bench [-- filter]: runs every bench/*.bench.ts (or those whose name contains the
// filter) each in its own Node process, so peak memory is per file.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const filter = process.argv[2] ?? '';
const files = readdirSync('bench').filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
console.log(`Quantbook benchmarks - ${new Date().toISOString().slice(0, 10)} - ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}\n`);
let failed = 0;
for (const file of files) {
  console.log(`== ${file}`);
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '--expose-gc', `bench/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  console.log('');
}
process.exit(failed ? 1 : 0);
