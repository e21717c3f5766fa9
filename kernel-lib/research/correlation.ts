import type { SignalPairPass } from '../kernels/xs-research-pass';
import { seriesMoments } from './summary-stats';

export const DEFAULT_DUPLICATE_THRESHOLD = 0.8;

/**
 * Correlation matrix of the signals themselves (docs/research.md, "Signal correlation"):
 * per date, the Spearman correlation of two signals over the names where both are finite,
 * then the mean over dates. Pairs with |correlation| >= threshold are flagged as duplicates
 * (a strongly negative pair carries the same information with the sign flipped).
 */
export interface SignalCorrelation {
  signals: string[];
  /** matrix[a][b]: mean per-date Spearman correlation; 1 on the diagonal. */
  matrix: number[][];
  /** dates[a][b]: dates with a defined correlation (>= 2 common names, neither constant); 0 on the diagonal. */
  dates: number[][];
  threshold: number;
  duplicates: { a: string; b: string; correlation: number }[];
}

export function signalCorrelation(signals: string[], pairs: SignalPairPass[], threshold = DEFAULT_DUPLICATE_THRESHOLD, dateMask?: Uint8Array | null): SignalCorrelation {
  const S = signals.length;
  const matrix = Array.from({ length: S }, (_, a) => Array.from({ length: S }, (_, b) => (a === b ? 1 : NaN)));
  const dates = Array.from({ length: S }, () => new Array<number>(S).fill(0));
  const duplicates: SignalCorrelation['duplicates'] = [];
  for (const pair of pairs) {
    const m = seriesMoments(pair.values, dateMask);
    matrix[pair.a][pair.b] = matrix[pair.b][pair.a] = m.mean;
    dates[pair.a][pair.b] = dates[pair.b][pair.a] = m.n;
    if (Math.abs(m.mean) >= threshold) duplicates.push({ a: signals[pair.a], b: signals[pair.b], correlation: m.mean });
  }
  duplicates.sort((x, y) => Math.abs(y.correlation) - Math.abs(x.correlation));
  return { signals, matrix, dates, threshold, duplicates };
}
