// Walk-forward analysis on GOOG.csv: the full sma_cross grid (7,830 pairs) re-optimized in every
// window (sweep fast path), rolling and anchored; and a small rsi_reversion grid through the
// general path on the calling thread and on 2 worker threads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bench, machine } from './harness';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { walkForward } from '../kernel-lib/wfa/walk-forward';

const GOOG = join(__dirname, '..', '..', 'shared', 'data', 'GOOG.csv');

async function main(): Promise<void> {
  console.log(`walk-forward benchmarks on ${machine()}`);
  const data = existsSync(GOOG) ? (await loadPriceFile(GOOG)).prices : syntheticPanel({ securities: 1, days: 2148, seed: 1 });
  console.log(existsSync(GOOG) ? 'GOOG.csv, 2,148 bars' : `(GOOG.csv absent: a 2,148-bar synthetic series)`);
  const sweep = { strategy: 'sma_cross', data, grid: 'fast=5..50,slow=20..200', feeBps: 10 };
  await bench('rolling 500/125 bars, 14 windows x 7,830 pairs (sweep)', () => walkForward({ ...sweep, train: 500, test: 125 }), { items: 14 * 7830, unit: 'trials', runs: 2 });
  await bench('anchored 2y/6m, 7,830 pairs per window (sweep)', () => walkForward({ ...sweep, train: '2y', test: '6m', anchored: true }), { runs: 2 });
  const general = { strategy: 'rsi_reversion', data, grid: 'period=10|14|20,lower=25|30', feeBps: 10, train: 500, test: 250 };
  await bench('rolling 500/250, 7 windows x 6 rsi_reversion sets, calling thread', () => walkForward({ ...general, threads: 0 }), { items: 7 * 6, unit: 'trials', runs: 2 });
  await bench('same on 2 worker threads', () => walkForward({ ...general, threads: 2 }), { items: 7 * 6, unit: 'trials', runs: 2 });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
