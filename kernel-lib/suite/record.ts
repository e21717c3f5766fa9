import pl from 'nodejs-polars';
import type { ArtifactInput } from '../tracking/artifacts';
import type { XsectionResult } from '../xsection/result';
import type { SuiteResult } from './result';

/**
 * What a recorded suite run carries (docs/suite.md, "History"): the daily series of every
 * signal variant and of each baseline's headline variant (one long parquet), the suite
 * summary, the slice tables, the verdict as JSON and the tear sheet HTML.
 */
export function suiteArtifacts(suite: SuiteResult, tearsheet?: (suite: SuiteResult) => string): ArtifactInput[] {
  const daily: pl.DataFrame[] = suite.signal.variants.map((v) => dailyRows('signal', v));
  for (const b of suite.baselines) {
    const v = b.variants.find((x) => x.name === suite.headline.name);
    if (v) daily.push(dailyRows(b.name, v));
  }
  const slices = pl.concat(suite.signal.variants.map((v) => v.summary.withColumns(pl.lit(v.name).alias('variant')).select('variant', ...v.summary.columns)), { how: 'vertical' });
  const artifacts: ArtifactInput[] = [
    { name: 'daily', content: pl.concat(daily, { how: 'vertical' }) },
    { name: 'summary', content: suite.summary },
    { name: 'slices', content: slices },
    { name: 'verdict.json', content: JSON.stringify({ ...suite.verdict, correlations: suite.correlations }, jsonNumbers, 2) },
  ];
  if (tearsheet) artifacts.push({ name: 'tearsheet.html', content: tearsheet(suite) });
  return artifacts;
}

function dailyRows(subject: string, v: XsectionResult): pl.DataFrame {
  return v.daily
    .select('date', 'status', 'pnl_gross', 'cost', 'pnl_net', 'cum_net', 'drawdown', 'turnover', 'long_leg', 'short_leg', 'n_long', 'n_short')
    .withColumns(pl.lit(subject).alias('subject'), pl.lit(v.name).alias('variant'))
    .select('subject', 'variant', 'date', 'status', 'pnl_gross', 'cost', 'pnl_net', 'cum_net', 'drawdown', 'turnover', 'long_leg', 'short_leg', 'n_long', 'n_short');
}

/** JSON has no NaN: non-finite numbers become null. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
