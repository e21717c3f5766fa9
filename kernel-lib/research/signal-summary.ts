import type { SignalPass } from '../kernels/xs-research-pass';
import { autocorrelationStats, type AutocorrelationStats } from './autocorrelation';
import { coverage, type Coverage, type DataLoss } from './coverage';
import { icStats, type IcStats } from './ic';
import { quantileStats, type QuantileStats } from './quantiles';
import { turnoverStats, type TurnoverStats } from './turnover';

/** One signal at one horizon: IC statistics and quantile analysis (empty quantile fields when quantiles = 0). */
export interface HorizonResearch extends IcStats, QuantileStats {
  horizon: number;
}

/** Everything about one signal over a set of dates (all dates, or one regime / group slice). */
export interface SignalResearch {
  signal: string;
  /** Used (date, security) rows: finite signal and every requested horizon's forward return. */
  rows_used: number;
  /** Dates with at least one used row. */
  dates: number;
  horizons: HorizonResearch[];
  /** Mean rank autocorrelation at the first lag (lag 1 by default); NaN when no lags were asked. */
  autocorrelation: number;
  autocorrelation_by_lag: AutocorrelationStats[];
  /** Bucket turnover per lag (empty without quantiles). */
  turnover: TurnoverStats[];
  coverage: Coverage;
  /** Only on the whole-panel summary. */
  data_loss?: DataLoss;
}

export interface SummaryContext {
  horizons: number[];
  quantiles: number;
  lags: number[];
  groups: number;
  group: number;
  dateMask: Uint8Array | null;
}

export function summarizeSignal(signal: string, pass: SignalPass, ctx: SummaryContext): SignalResearch {
  const { horizons, quantiles: k, lags, groups: G, group: g, dateMask } = ctx;
  let rows = 0;
  const T = pass.used.length / G;
  for (let t = 0; t < T; t++) if (!dateMask || dateMask[t]) rows += pass.used[t * G + g];
  const cov = coverage(pass, k, G, g, dateMask);
  const horizonStats = horizons.map((horizon, h): HorizonResearch => ({
    horizon,
    ...icStats(pass.ic[h], G, g, dateMask),
    ...(k > 0 ? quantileStats(pass.bucketMean[h], pass.dateMean[h], k, G, g, dateMask) : emptyQuantiles()),
  }));
  const ac = lags.map((lag, l) => autocorrelationStats(pass.autocorrelation[l], lag, G, g, dateMask));
  return {
    signal,
    rows_used: rows,
    dates: cov.dates_used,
    horizons: horizonStats,
    autocorrelation: ac.length ? ac[0].mean : NaN,
    autocorrelation_by_lag: ac,
    turnover: k > 0 ? lags.map((lag, l) => turnoverStats(pass.turnover[l], lag, k, G, g, dateMask)) : [],
    coverage: cov,
  };
}

function emptyQuantiles(): QuantileStats {
  return {
    quantile_mean_returns: [], quantile_mean_demeaned: [], quantile_dates: [],
    spread: NaN, spread_std: NaN, spread_t_stat: NaN, spread_dates: 0, monotonicity: NaN,
  };
}
