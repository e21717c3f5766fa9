import { seriesMoments } from './summary-stats';

/**
 * Signal rank autocorrelation at a lag (docs/research.md): per date t, the Pearson correlation
 * between the names' signal ranks at t and their ranks at t - lag (calendar dates), over names
 * used on both dates (ranks are each date's own average ranks, as alphalens'
 * factor_rank_autocorrelation); then the mean over dates. Near 1 = a slow signal.
 */
export interface AutocorrelationStats {
  lag: number;
  mean: number;
  /** Dates with a defined value (>= 2 common names, neither side constant). */
  dates: number;
}

export function autocorrelationStats(series: Float64Array, lag: number, groups = 1, g = 0, dateMask?: Uint8Array | null): AutocorrelationStats {
  const m = seriesMoments(series, dateMask, groups, g);
  return { lag, mean: m.mean, dates: m.n };
}
