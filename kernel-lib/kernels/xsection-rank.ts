import { createSortScratch, int32Words, sortPositionsByValue, type SortScratch } from './rank-sort';
import { ranksFromOrder, type RankWalkOutput } from './rank-walk';

/**
 * Ranks of one cross-section held in positions 0..n-1 of `values`, through the research
 * kernels (exact radix argsort + rank walk, docs/research.md): average ranks (1-based, ties
 * share the mean, scipy 'average') and min ranks (pandas 'min'), both by position, plus the
 * ascending order for medians. All buffers are allocated once by `createRankScratch`.
 */
export interface RankScratch {
  capacity: number;
  values: Float64Array;
  words: Int32Array;
  order: Int32Array;
  identity: Int32Array;
  sort: SortScratch;
  walk: RankWalkOutput;
  average: Float64Array;
  min: Float64Array;
}

export function createRankScratch(capacity: number): RankScratch {
  const cap = Math.max(1, capacity);
  const values = new Float64Array(cap);
  const average = new Float64Array(cap);
  const min = new Float64Array(cap);
  return {
    capacity: cap,
    values,
    words: int32Words(values),
    order: new Int32Array(cap),
    identity: Int32Array.from({ length: cap }, (_, j) => j),
    sort: createSortScratch(cap),
    walk: { average, min, count: new Int32Array(1), sumSquares: new Float64Array(1), runCount: new Int32Array(1) },
    average,
    min,
  };
}

/**
 * Ranks scratch.values[0..n) (finite; -0 is normalized to +0 here because the radix keys
 * read the sign bit). Results in scratch.average / scratch.min / scratch.order.
 */
export function rankValues(s: RankScratch, n: number): void {
  const v = s.values;
  for (let j = 0; j < n; j++) v[j] = v[j] + 0;
  sortPositionsByValue(v, s.words, n, s.order, s.sort);
  ranksFromOrder({ order: s.order, m: n, values: v, securityOf: s.identity, include: null, stamp: 0, groupOf: null }, 1, s.walk);
}

/** Median of scratch.values[0..n) after `rankValues`; NaN when n = 0. */
export function rankedMedian(s: RankScratch, n: number): number {
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? s.values[s.order[h]] : (s.values[s.order[h - 1]] + s.values[s.order[h]]) / 2;
}

/** Convenience for small inputs and tests: average ranks of values[0..n). Allocates. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const s = createRankScratch(n);
  for (let j = 0; j < n; j++) s.values[j] = values[j];
  rankValues(s, n);
  return s.average.slice(0, n);
}
