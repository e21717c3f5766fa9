import { researchSignals, type ResearchInput } from './analyze';

export const DEFAULT_DECAY_HORIZONS = [1, 2, 3, 5, 10, 15, 20, 40, 60];

/** IC statistics of one signal at one horizon: one point of the decay curve. */
export interface DecayPoint {
  signal: string;
  horizon: number;
  ic_mean: number;
  icir: number;
  t_stat: number;
  ic_dates: number;
}

/**
 * The IC decay curve (docs/research.md): IC mean by forward-return horizon for each signal,
 * IC only (no quantiles, lags, correlations or regimes), so long horizon lists stay cheap. All
 * horizons share the same used rows, so the longest horizon trims the end of every security.
 */
export async function icDecay(input: Omit<ResearchInput, 'quantiles' | 'lags' | 'correlation' | 'regimes'>): Promise<DecayPoint[]> {
  const result = await researchSignals({ ...input, horizons: input.horizons ?? DEFAULT_DECAY_HORIZONS, quantiles: 0, lags: [], correlation: false, regimes: false });
  return result.signals.flatMap((s) =>
    s.horizons.map((h) => ({ signal: s.signal, horizon: h.horizon, ic_mean: h.ic_mean, icir: h.icir, t_stat: h.t_stat, ic_dates: h.ic_dates })),
  );
}
