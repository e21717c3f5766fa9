// Builds the embedded sample snapshot kernel-lib/data/sample/sp500-5yr/ from the real data in
// ../shared/data (or the folder given as the first argument):
//   npx tsx scripts/build-sample.ts [DATA_DIR]
// The sample is an ordinary snapshot (same format as `quantbook import`), so the catalog
// opens it like any other. Sources and licences: kernel-lib/data/sample/README.md.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importSnapshotDetailed } from '../kernel-lib/data/import-snapshot';
import { SAMPLE_NAME } from '../kernel-lib/data/sample';

async function main(): Promise<void> {
  const data = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'data'));
  const target = resolve(__dirname, '..', 'kernel-lib', 'data', 'sample', SAMPLE_NAME);
  const root = mkdtempSync(join(tmpdir(), 'quantbook-sample-'));
  try {
    const t0 = performance.now();
    const { manifest, dir } = await importSnapshotDetailed({
      source: join(data, 'all_stocks_5yr.csv'),
      name: SAMPLE_NAME,
      // 2018-04-02 labels first; the 2017-03-08 list supplies the 7 names that had left the index.
      groups: [join(data, 'sp500_constituents_2018-04-02.csv'), join(data, 'sp500_constituents_2017-03-08.csv')],
      // One real bar has high < low (AOS 2014-05-19): keep its close, empty its high and low.
      invalid: 'blank',
      // Smaller files for the repository; the content hash does not depend on it.
      compressionLevel: 9,
      root,
    });
    rmSync(target, { recursive: true, force: true });
    cpSync(dir, target, { recursive: true });
    const bytes = folderBytes(target);
    console.log(`${manifest.snapshot_id}: ${manifest.tables.prices.rows} rows, ${manifest.securities} securities, ${manifest.date_range.start}..${manifest.date_range.end}`);
    console.log(`written to ${target} (${(bytes / 1e6).toFixed(2)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}${(e as { hint?: string }).hint ? `\n  fix: ${(e as { hint?: string }).hint}` : ''}` : e);
  process.exit(1);
});
