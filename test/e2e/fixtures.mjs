// Inputs the end-to-end test needs besides the extension: a signal file for "Run suite".
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * A 5-day reversal signal on the embedded sample (2016-2017), in the signal-contract
 * columns, written as Parquet with the project's own polars and API bundle. Only an input
 * for the suite to chew on: the test checks the suite runs and reports, not the numbers.
 */
export async function writeSignalFixture(root, path) {
  const require = createRequire(join(root, 'package.json'));
  const pl = require('nodejs-polars');
  const qb = require(join(root, 'dist', 'kernel-lib.js'));
  const sample = await qb.openSample();
  const frame = await sample
    .prices({ start: '2016-01-01', end: '2017-12-31', columns: ['close'] })
    .select(
      pl.col('security_id'),
      pl.col('date').alias('date_sig'),
      pl.col('date').alias('date_avail'),
      pl.col('close').div(pl.col('close').shift(5).over('security_id')).sub(1).mul(-1).alias('signal'),
    )
    .dropNulls()
    .collect();
  frame.writeParquet(path);
  return frame.height;
}
