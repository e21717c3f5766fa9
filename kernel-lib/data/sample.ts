import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { QuantbookError } from '../errors';
import { Snapshot } from './snapshot';

/** The embedded sample: S&P 500 daily OHLCV 2013-02-08..2018-02-07 with sector labels. */
export const SAMPLE_NAME = 'sp500-5yr';
const SAMPLE_RELATIVE = join('kernel-lib', 'data', 'sample', SAMPLE_NAME);

/**
 * The sample's folder. Searched upward from this module's folder so it is found from the
 * sources (kernel-lib/data/) and from the bundles (dist/kernel-lib.js, dist/cli.js);
 * env QUANTBOOK_SAMPLE_DIR overrides.
 */
export function sampleDir(from: string = __dirname): string | undefined {
  const override = process.env.QUANTBOOK_SAMPLE_DIR;
  if (override) return existsSync(join(override, 'manifest.json')) ? resolve(override) : undefined;
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, SAMPLE_RELATIVE);
    if (existsSync(join(candidate, 'manifest.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let cached: Snapshot | undefined;

export async function openSample(): Promise<Snapshot> {
  const dir = sampleDir();
  if (!dir) {
    throw new QuantbookError(
      'SAMPLE_NOT_FOUND',
      `the embedded sample (${SAMPLE_RELATIVE}) was not found above ${__dirname}`,
      'run from a Quantbook checkout or install (the sample ships in the repository), set QUANTBOOK_SAMPLE_DIR, or rebuild it with `npx tsx scripts/build-sample.ts`',
    );
  }
  if (!cached || cached.dir !== dir) cached = Snapshot.open(dir);
  return cached;
}
