import type { SignalPass } from '../kernels/xs-research-pass';

/**
 * How many names a signal covers per date (docs/research.md, "Coverage and data loss").
 * "Used" names have a finite signal and every requested horizon's forward return.
 */
export interface Coverage {
  /** Mean / min / max used names over dates with at least one used name. */
  mean_names: number;
  min_names: number;
  max_names: number;
  /** Dates with at least one finite signal value on a price row. */
  dates_with_signal: number;
  /** Dates with at least one used name. */
  dates_used: number;
  /** Dates with exactly 1 used name: no IC (needs 2). */
  dates_too_few_for_ic: number;
  /** Dates with 1..k-1 used names: no quantiles (need k). */
  dates_too_few_for_quantiles: number;
}

/**
 * Where every (date, security) row of the price panel went. Identity:
 * panel_rows = rows_missing_signal + rows_missing_forward + rows_used.
 */
export interface DataLoss {
  /** Rows of the price panel (security, date pairs with a bar). */
  panel_rows: number;
  /** Rows with no finite signal value. */
  rows_missing_signal: number;
  /** Rows with a signal but at least one requested horizon's forward return missing (typically the last max(h) bars of each security). */
  rows_missing_forward: number;
  /** Rows with the signal and every forward return: the rows every statistic uses. */
  rows_used: number;
  /** Used rows on dates with a single used name (they enter no IC). */
  rows_on_dates_too_few_for_ic: number;
  /** Used rows on dates with fewer than k used names (they enter no quantile). */
  rows_on_dates_too_few_for_quantiles: number;
  /** Signal table rows that never reached the panel, by reason (from the contract alignment and the placement on price rows). */
  signal_rows_dropped: Record<string, number>;
}

export function coverage(pass: SignalPass, k: number, groups = 1, g = 0, dateMask?: Uint8Array | null): Coverage {
  const T = pass.used.length / groups;
  let sum = 0;
  let min = Infinity;
  let max = 0;
  let withSignal = 0;
  let used = 0;
  let fewIc = 0;
  let fewQ = 0;
  for (let t = 0; t < T; t++) {
    if (dateMask && !dateMask[t]) continue;
    const c = t * groups + g;
    if (pass.finite[c] > 0) withSignal++;
    const n = pass.used[c];
    if (n === 0) continue;
    used++;
    sum += n;
    if (n < min) min = n;
    if (n > max) max = n;
    if (n < 2) fewIc++;
    if (k > 0 && n < k) fewQ++;
  }
  return {
    mean_names: used ? sum / used : NaN,
    min_names: used ? min : 0,
    max_names: max,
    dates_with_signal: withSignal,
    dates_used: used,
    dates_too_few_for_ic: fewIc,
    dates_too_few_for_quantiles: fewQ,
  };
}

/** The data-loss account of one signal over the whole panel (one group). */
export function dataLoss(pass: SignalPass, panelRows: number, k: number, signalRowsDropped: Record<string, number>): DataLoss {
  let finite = 0;
  let used = 0;
  let fewIc = 0;
  let fewQ = 0;
  for (let t = 0; t < pass.used.length; t++) {
    const n = pass.used[t];
    finite += pass.finite[t];
    used += n;
    if (n > 0 && n < 2) fewIc += n;
    if (n > 0 && k > 0 && n < k) fewQ += n;
  }
  return {
    panel_rows: panelRows,
    rows_missing_signal: panelRows - finite,
    rows_missing_forward: finite - used,
    rows_used: used,
    rows_on_dates_too_few_for_ic: fewIc,
    rows_on_dates_too_few_for_quantiles: fewQ,
    signal_rows_dropped: signalRowsDropped,
  };
}
