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

/**
 * Average ranks within groups (1-based per group; ties share the mean of the ranks they span
 * in their group) of positions 0..m-1, from their ascending `order`: what research's
 * ranksFromOrder gives with `groupOf` (identity positions, no include mask), with a one-step
 * path for values without a tie - the common case, and the cap books' rank walk on every date.
 * Positions with a negative group are left out; count[g] = ranked per group; runCount is
 * scratch (length >= groups, all zero on entry and on return).
 */
export function ranksWithinGroups(order: Int32Array, m: number, values: Float64Array, groupOf: Int32Array, groups: number, average: Float64Array, count: Int32Array, runCount: Int32Array): void {
  count.fill(0, 0, groups);
  let j = 0;
  while (j < m) {
    const p = order[j];
    const v = values[p];
    if (j + 1 === m || values[order[j + 1]] !== v) {
      const g = groupOf[p];
      if (g >= 0) average[p] = ++count[g];
      j++;
      continue;
    }
    let e = j + 2;
    while (e < m && values[order[e]] === v) e++;
    for (let a = j; a < e; a++) {
      const g = groupOf[order[a]];
      if (g >= 0) runCount[g]++;
    }
    for (let a = j; a < e; a++) {
      const q = order[a];
      const g = groupOf[q];
      if (g >= 0) average[q] = count[g] + (runCount[g] + 1) / 2;
    }
    for (let a = j; a < e; a++) {
      const g = groupOf[order[a]];
      if (g >= 0 && runCount[g] > 0) {
        count[g] += runCount[g];
        runCount[g] = 0;
      }
    }
    j = e;
  }
}
