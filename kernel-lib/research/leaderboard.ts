import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import type { SignalResearch } from './signal-summary';

/** One signal's "predictive vital signs" at one horizon (docs/research.md, "Leaderboard"). */
export interface LeaderboardRow {
  signal: string;
  horizon: number;
  ic_mean: number;
  icir: number;
  t_stat: number;
  share_positive: number;
  /** Mean rank autocorrelation at the first lag. */
  autocorrelation: number;
  /** Top-minus-bottom quantile mean forward return. */
  spread: number;
  spread_t_stat: number;
  monotonicity: number;
  /** Mean used names per date. */
  coverage: number;
  rows_used: number;
  dates: number;
}

export const LEADERBOARD_COLUMNS = ['ic_mean', 'icir', 't_stat', 'share_positive', 'autocorrelation', 'spread', 'spread_t_stat', 'monotonicity', 'coverage', 'rows_used', 'dates'] as const;
export type LeaderboardColumn = (typeof LEADERBOARD_COLUMNS)[number];

export interface LeaderboardOptions {
  /** Horizon to rank at (default: the first one researched). */
  horizon?: number;
  /** Column to sort by (default 'ic_mean'). */
  sortBy?: LeaderboardColumn;
  /** Sort by absolute value (default true for ic_mean, icir, t_stat, spread, spread_t_stat, monotonicity: a reliably negative signal is as useful flipped). */
  absolute?: boolean;
  /** Largest first (default true). */
  descending?: boolean;
  /** Keep rows with |ic_mean| >= minAbsIc. */
  minAbsIc?: number;
  /** Keep rows with |icir| >= minAbsIcir. */
  minAbsIcir?: number;
  /** Keep rows with coverage (mean names per date) >= minCoverage. */
  minCoverage?: number;
  /** Any other filter. */
  filter?: (row: LeaderboardRow) => boolean;
}

const SIGNED = new Set<LeaderboardColumn>(['ic_mean', 'icir', 't_stat', 'spread', 'spread_t_stat', 'monotonicity']);

/** One row per signal at the chosen horizon, filtered and sorted; NaN values sort last. */
export function leaderboard(signals: SignalResearch[], options: LeaderboardOptions = {}): LeaderboardRow[] {
  const horizons = signals[0]?.horizons.map((h) => h.horizon) ?? [];
  const horizon = options.horizon ?? horizons[0];
  const sortBy = options.sortBy ?? 'ic_mean';
  if (!LEADERBOARD_COLUMNS.includes(sortBy)) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'sortBy': '${String(sortBy)}' is not a leaderboard column`, `choose from ${LEADERBOARD_COLUMNS.join(', ')}`);
  }
  const rows: LeaderboardRow[] = signals.map((s) => {
    const h = s.horizons.find((x) => x.horizon === horizon);
    if (!h) {
      throw new QuantbookError('BAD_PARAMETER', `parameter 'horizon': ${String(horizon)} was not researched`, `choose one of ${horizons.join(', ')} or add it to the horizons`);
    }
    return {
      signal: s.signal, horizon: h.horizon, ic_mean: h.ic_mean, icir: h.icir, t_stat: h.t_stat, share_positive: h.share_positive,
      autocorrelation: s.autocorrelation, spread: h.spread, spread_t_stat: h.spread_t_stat, monotonicity: h.monotonicity,
      coverage: s.coverage.mean_names, rows_used: s.rows_used, dates: s.dates,
    };
  });
  const absolute = options.absolute ?? SIGNED.has(sortBy);
  const sign = options.descending === false ? 1 : -1;
  const key = (r: LeaderboardRow) => (absolute ? Math.abs(r[sortBy]) : r[sortBy]);
  return rows
    .filter((r) => options.minAbsIc === undefined || Math.abs(r.ic_mean) >= options.minAbsIc)
    .filter((r) => options.minAbsIcir === undefined || Math.abs(r.icir) >= options.minAbsIcir)
    .filter((r) => options.minCoverage === undefined || r.coverage >= options.minCoverage)
    .filter((r) => !options.filter || options.filter(r))
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return sign * (x - y);
    });
}

export function leaderboardFrame(rows: LeaderboardRow[]): pl.DataFrame {
  return pl.DataFrame({
    signal: rows.map((r) => r.signal),
    horizon: pl.Series('horizon', Int32Array.from(rows.map((r) => r.horizon))),
    ...Object.fromEntries(LEADERBOARD_COLUMNS.map((c) => [c, pl.Series(c, Float64Array.from(rows.map((r) => r[c])))])),
  });
}
