// Data catalog: importing the sample's source (all_stocks_5yr.csv when ../shared/data is
// present, else the embedded sample re-imported as a folder) and a filtered lazy scan of the
// sample (date range + securities, pushed into the Parquet scan). Peak RSS is the process
// high-water mark, so read it as "up to".
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bench, machine } from './harness';
import { importSnapshotDetailed } from '../kernel-lib/data/import-snapshot';
import { openSample } from '../kernel-lib/data/sample';

async function main(): Promise<void> {
  console.log(machine());
  const sample = await openSample();
  const csv = resolve(__dirname, '..', '..', 'shared', 'data', 'all_stocks_5yr.csv');
  const source = existsSync(csv) ? csv : sample.dir;
  const rows = sample.manifest.tables.prices.rows;
  const root = mkdtempSync(join(tmpdir(), 'quantbook-bench-'));
  try {
    let n = 0;
    await bench(`import ${existsSync(csv) ? 'all_stocks_5yr.csv' : 'the embedded sample (folder)'} (${rows.toLocaleString('en-US')} rows)`, async () => {
      // A new name each run so every run writes a snapshot (identical data would be a no-op).
      await importSnapshotDetailed({ source, name: `bench-${n++}`, root, invalid: 'blank' });
    }, { items: rows, unit: 'rows', runs: 2, warmup: false });

    const securities = ['AAPL', 'MSFT', 'XOM', 'JPM', 'GE', 'PFE', 'T', 'WMT', 'BAC', 'AMZN'];
    await bench('filtered scan: 10 securities x 2015 (lazy, pushed down)', async () => {
      await sample.prices({ start: '2015-01-01', end: '2015-12-31', securities }).collect();
    }, { items: 10 * 252, unit: 'rows', runs: 5 });
    await bench('full scan: every row, OHLCV, sorted', async () => {
      await sample.prices().collect();
    }, { items: rows, unit: 'rows', runs: 3 });
    await bench('returns(): all securities', async () => {
      await sample.returns().collect();
    }, { items: rows, unit: 'rows', runs: 3 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
