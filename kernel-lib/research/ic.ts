import { seriesMoments } from './summary-stats';

/** Summary of a per-date Spearman IC series (docs/research.md, "Information coefficient"). */
export interface IcStats {
  /** Mean of the per-date ICs. */
  ic_mean: number;
  /** Sample standard deviation of the per-date ICs (ddof 1). */
  ic_std: number;
  /** ic_mean / ic_std. */
  icir: number;
  /** ic_mean / (ic_std / sqrt(ic_dates)). */
  t_stat: number;
  /** Share of dates with IC > 0. */
  share_positive: number;
  /** Dates with a defined IC (>= 2 names, neither side constant). */
  ic_dates: number;
}

/**
 * IC statistics of group g of a per-(date, group) series (index t * groups + g), over the dates
 * where `dateMask` is 1 (all dates when omitted).
 */
export function icStats(ic: Float64Array, groups = 1, g = 0, dateMask?: Uint8Array | null): IcStats {
  const m = seriesMoments(ic, dateMask, groups, g);
  return {
    ic_mean: m.mean,
    ic_std: m.std,
    icir: m.std > 0 ? m.mean / m.std : NaN,
    t_stat: m.t_stat,
    share_positive: m.share_positive,
    ic_dates: m.n,
  };
}

/** Trailing mean of a per-date series over `window` dates (dates without a value are skipped; NaN until `window` values). */
export function rollingMean(values: Float64Array, window: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  const buffer: number[] = [];
  let sum = 0;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (v - v !== 0) continue;
    buffer.push(v);
    sum += v;
    if (buffer.length > window) sum -= buffer.shift()!;
    if (buffer.length === window) out[t] = sum / window;
  }
  return out;
}
