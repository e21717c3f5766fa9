/**
 * Ranks from a sorted order: one pass over positions in ascending value order, giving each
 * included position its average rank (1-based, ties share the mean of the ranks they span, as
 * scipy's rankdata 'average') and its min rank (pandas rank 'min', the first rank of its tie
 * group). Restricting the walk with `include` ranks any subset of a sorted cross-section in
 * O(m) without sorting again; `groupOf` ranks within groups (ranks restart at 1 per group).
 */

export interface RankWalkInput {
  /** Positions in ascending value order (from sortPositionsByValue), order[0..m). */
  order: Int32Array;
  m: number;
  /** Values by position. */
  values: Float64Array;
  /** Security index of each position; outputs are indexed by security. */
  securityOf: Int32Array;
  /** When given, only securities i with include[i] === stamp are ranked. */
  include: Int32Array | null;
  stamp: number;
  /** Group code per security (0..groups-1; negative = left out), or null for one group. */
  groupOf: Int32Array | null;
}

export interface RankWalkOutput {
  /** Average rank by security (only written for ranked securities). */
  average: Float64Array;
  /** Min rank by security, or null when not wanted. */
  min: Float64Array | null;
  /** Per group: number ranked (length >= groups). Overwritten. */
  count: Int32Array;
  /** Per group: sum of squared average ranks. Overwritten. */
  sumSquares: Float64Array;
  /** Scratch of length >= groups, all zero on entry and on return. */
  runCount: Int32Array;
}

export function ranksFromOrder(input: RankWalkInput, groups: number, out: RankWalkOutput): void {
  const { order, m, values, securityOf, include, stamp, groupOf } = input;
  const { average, min, count, sumSquares, runCount } = out;
  count.fill(0, 0, groups);
  sumSquares.fill(0, 0, groups);
  if (groupOf === null) {
    let ranked = 0;
    let squares = 0;
    let j = 0;
    while (j < m) {
      const p = order[j];
      const v = values[p];
      if (j + 1 === m || values[order[j + 1]] !== v) {
        // no tie (the common case): one step
        const i = securityOf[p];
        if (include === null || include[i] === stamp) {
          ranked++;
          average[i] = ranked;
          if (min !== null) min[i] = ranked;
          squares += ranked * ranked;
        }
        j++;
        continue;
      }
      let e = j + 2;
      while (e < m && values[order[e]] === v) e++;
      let c = 0;
      for (let a = j; a < e; a++) if (include === null || include[securityOf[order[a]]] === stamp) c++;
      if (c > 0) {
        const avg = ranked + (c + 1) / 2;
        const first = ranked + 1;
        for (let a = j; a < e; a++) {
          const i = securityOf[order[a]];
          if (include !== null && include[i] !== stamp) continue;
          average[i] = avg;
          if (min !== null) min[i] = first;
        }
        ranked += c;
        squares += c * avg * avg;
      }
      j = e;
    }
    count[0] = ranked;
    sumSquares[0] = squares;
    return;
  }
  let j = 0;
  while (j < m) {
    const v = values[order[j]];
    let e = j + 1;
    while (e < m && values[order[e]] === v) e++;
    for (let a = j; a < e; a++) {
      const i = securityOf[order[a]];
      const g = groupOf[i];
      if (g < 0 || (include !== null && include[i] !== stamp)) continue;
      runCount[g]++;
    }
    for (let a = j; a < e; a++) {
      const i = securityOf[order[a]];
      const g = groupOf[i];
      if (g < 0 || (include !== null && include[i] !== stamp)) continue;
      const c = runCount[g];
      average[i] = count[g] + (c + 1) / 2;
      if (min !== null) min[i] = count[g] + 1;
    }
    for (let a = j; a < e; a++) {
      const i = securityOf[order[a]];
      const g = groupOf[i];
      if (g < 0 || (include !== null && include[i] !== stamp)) continue;
      const c = runCount[g];
      if (c > 0) {
        const avg = count[g] + (c + 1) / 2;
        sumSquares[g] += c * avg * avg;
        count[g] += c;
        runCount[g] = 0;
      }
    }
    j = e;
  }
}
