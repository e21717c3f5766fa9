import { pearsonFromSums, rankPearson } from './ic-rank-pearson';
import { radixArgsortKeys, sortKeyRun } from './rank-sort';
import type { PassState, SignalScratch } from './xs-pass-state';
import type { SignalPass } from './xs-research-pass';

/** The current date, as the per-signal steps see it. */
export interface DateContext {
  t: number;
  /** t * N: the date's first cell in the signal matrices. */
  row: number;
  /** t + 1: marks written today (fMark, finiteMark, ring stamps). */
  stamp: number;
  /** False while replaying the dates before a block (rings only, no output). */
  emit: boolean;
  /** Per horizon, arrays holding today's forward returns of security i at base + i. */
  forward: Float64Array[];
  /** Today's 1-bar forward returns (at base + i), or null. */
  forward1: Float64Array | null;
  /** Offset of today's first security in `forward` and `forward1`: row for T x N matrices, 0 for one date's rows. */
  base: number;
  /** Index of forward1 among the horizons, or -1. */
  forward1Horizon: number;
}

/**
 * Rank codes: one Int32 per security and signal, code = bucket << CODE_RANK_BITS | 2 *
 * averageRank for a used name (bucket 0 when the date has no buckets), CODE_UNUSED for the
 * others. Its rank part is 0 and its bucket part (code >>> CODE_RANK_BITS) is
 * CODE_UNUSED_BUCKET, above every real bucket (k <= 1000): the walks add an unused name's
 * values with a rank of 0 and into a spill slot instead of testing it. The shift and mask
 * are constants so the hot loops use immediates (no register for them).
 */
export const CODE_RANK_BITS = 21;
const RANK_MASK = 0x1fffff;
export const CODE_UNUSED = -2147483648;
const UNUSED_BUCKET = 1024;
/** Largest cross-section the codes hold: 2 * N < 2^CODE_RANK_BITS. */
export const CODE_MAX_SECURITIES = (1 << 20) - 1;
/** Largest bucket count the codes hold (below CODE_UNUSED's bucket part). */
export const CODE_MAX_BUCKETS = 1023;
/** Cross-sections up to this size multiply a rank by a code's rank part in int32 (2N^2 < 2^31). */
export const CODE_IMUL_MAX = 32767;
const IMUL_MAX = CODE_IMUL_MAX;

/**
 * One date, whole cross-section (no groups): the hot path of factor research, in three steps.
 * rankSignal: from a signal's sorted order, one walk gives every used name (finite signal and
 * every forward return) a rank code - its average rank and its quantile bucket (from its min
 * rank) in one Int32, CODE_UNUSED for the other names - and a place in the used list.
 * walkHorizon: one walk per horizon over the forward returns in sorted order, two signals at a
 * time, ranks the used names among themselves and accumulates in the same step the sums of the
 * IC, the date mean and the bucket means. finishSignal: 1-bar bucket means, autocorrelation and
 * turnover. Definitions: docs/research.md.
 *
 * Exactness: average ranks are multiples of 1/2, so codes carry 2 * rank as an integer and
 * every rank sum (IC, autocorrelation) is an exact integer in double precision, whatever the
 * order of summation; sums of returns keep the ascending forward-return order.
 */
export function rankSignal(st: PassState, sc: SignalScratch, s: number, d: DateContext, signal: Float64Array): void {
  const k = st.k;
  const usedList = st.usedLists[s];
  // the used list (signal order) only feeds 1-bar bucket means that are not one of the horizons
  const keepList = d.forward1 !== null && d.forward1Horizon < 0 && k > 0;
  const counts = st.countsBySignal;
  const c0 = s * k;
  const n = sc.used;
  const code = st.codeSlots[s][d.t % st.R];
  code.fill(CODE_UNUSED);
  if (k > 0) {
    counts.fill(0, c0, c0 + k);
    st.stayBySignal.fill(0, c0, c0 + k);
  }
  const withBuckets = k > 0 && n >= k;
  // quantileBucket(minRank, n, k) = max(1, ceil((minRank - 1) k / (n - 1))): the bucket steps
  // forward while (minRank - 1) k > bucket (n - 1), i.e. while minRank - 1 > limit =
  // floor(bucket (n - 1) / k) - an integer compare per name, the division only on a step.
  // Without buckets: bucket 0 and a limit never reached.
  const span = n - 1;
  let bucket = withBuckets ? 1 : 0;
  // (... | 0 = floor for these non-negative values: an int32, so the compare per name stays integer)
  let limit = withBuckets ? (span / k) | 0 : 2147483647;

  // the first lag's autocorrelation and turnover ride along (autocorrelationAndTurnover): each
  // used name's code `lag` dates earlier is read where its code is written
  const lag = st.lags.length ? st.lags[0] : 0;
  const fused = st.fuseFirstLag && d.emit && d.t - lag >= 0;
  const prev = fused ? st.codeSlots[s][(d.t - lag) % st.R] : st.noCodes;
  const stays = st.stayBySignal;
  // sums over today's used names: of y2 = 2 * rank `lag` dates earlier (0 for a name not used
  // then), x2 * y2 and y2 * y2; and for the names not used then, their count, x2 and x2 * x2
  let sy2 = 0;
  let sxy4 = 0;
  let syy4 = 0;
  let missing = 0;
  let missX2 = 0;
  let missXX4 = 0;
  let sameRun = 0;

  // used names in ascending signal order; their values are read in place (signal[row + i])
  const secs = sc.sorted;
  const row = d.row;
  const keys = radixArgsortKeys();
  const byKeys = sc.sortedKeys;
  let ranked = 0;
  // sum of squared average ranks = squaresUpTo(n) minus, per tie group, what averaging removed
  let tieSquares = 0;
  // names in the current bucket (buckets only grow along the walk)
  let runCount = 0;
  let j = 0;
  // end of the last run of equal sort keys put in exact order (sortKeyRun)
  let exactEnd = 0;
  while (j < n) {
    let i = secs[j];
    // equal values end up adjacent; sorted keys rule most of them out without reading values
    let e = j + 1;
    if (byKeys) {
      if (e < n && keys[e] === keys[j]) {
        // the sort left colliding keys in security order: order the run by value first
        if (j >= exactEnd) {
          exactEnd = sortKeyRun(secs, j, n, signal, row);
          i = secs[j];
        }
        while (e < exactEnd && signal[row + secs[e]] === signal[row + i]) e++;
      }
    } else {
      while (e < n && signal[row + secs[e]] === signal[row + i]) e++;
    }
    if (e === j + 1) {
      j = e;
      if (keepList) usedList[ranked] = i;
      ranked++;
      if (ranked - 1 > limit) {
        counts[c0 + bucket - 1] += runCount;
        stays[c0 + bucket - 1] += sameRun;
        runCount = 0;
        sameRun = 0;
        do {
          bucket++;
          limit = ((bucket * span) / k) | 0;
        } while (ranked - 1 > limit);
      }
      runCount++;
      const x2 = ranked << 1;
      code[i] = (bucket << CODE_RANK_BITS) | x2;
      if (fused) {
        // products below 2^32 (N <= IMUL_MAX): Math.imul(...) >>> 0 is exact
        const pc = prev[i];
        const y2 = pc & RANK_MASK;
        sy2 += y2;
        sxy4 += Math.imul(x2, y2) >>> 0;
        syy4 += Math.imul(y2, y2) >>> 0;
        // 1 when the bucket `lag` dates earlier is this one: ((x ^ b) - 1) >>> 31 is 1 iff x === b (x, b >= 0)
        sameRun += (((pc >>> CODE_RANK_BITS) ^ bucket) - 1) >>> 31;
        if (pc < 0) {
          missing++;
          missX2 += x2;
          missXX4 += Math.imul(x2, x2) >>> 0;
        }
      }
      continue;
    }
    // a run of c equal values
    const c = e - j;
    {
      // min rank - 1 = ranked
      if (ranked > limit) {
        counts[c0 + bucket - 1] += runCount;
        stays[c0 + bucket - 1] += sameRun;
        runCount = 0;
        sameRun = 0;
        do {
          bucket++;
          limit = ((bucket * span) / k) | 0;
        } while (ranked > limit);
      }
      runCount += c;
      // 2 * average rank = 2 * ranked + c + 1
      const x2 = 2 * ranked + c + 1;
      const tieCode = (bucket << CODE_RANK_BITS) | x2;
      for (let a = j; a < e; a++) {
        const i = secs[a];
        code[i] = tieCode;
        if (keepList) usedList[ranked] = i;
        ranked++;
        if (fused) {
          const pc = prev[i];
          const y2 = pc & RANK_MASK;
          sy2 += y2;
          sxy4 += Math.imul(x2, y2) >>> 0;
          syy4 += Math.imul(y2, y2) >>> 0;
          sameRun += (((pc >>> CODE_RANK_BITS) ^ bucket) - 1) >>> 31;
          if (pc < 0) {
            missing++;
            missX2 += x2;
            missXX4 += Math.imul(x2, x2) >>> 0;
          }
        }
      }
      const avg = ranked - (c - 1) / 2;
      tieSquares += squaresUpTo(ranked) - squaresUpTo(ranked - c) - c * avg * avg;
    }
    j = e;
  }
  if (bucket > 0) {
    counts[c0 + bucket - 1] += runCount;
    stays[c0 + bucket - 1] += sameRun;
  }
  const squares = squaresUpTo(ranked) - tieSquares;
  st.usedBySignal[s] = ranked;
  st.squaresBySignal[s] = squares;
  if (fused) {
    // over the names used on both dates; today's sums of x2 (= 2 * rank) and x2^2 over all used
    // names are ranked * (ranked + 1) and 4 * squares. Every sum is an exact integer.
    const ac = st.firstLagSums;
    ac[6 * s] = ranked - missing;
    ac[6 * s + 1] = ranked * (ranked + 1) - missX2;
    ac[6 * s + 2] = sy2;
    ac[6 * s + 3] = sxy4;
    ac[6 * s + 4] = 4 * squares - missXX4;
    ac[6 * s + 5] = syy4;
  }
}

/** IC, date mean and bucket means of every signal at horizon h (emitting dates only). */
export function walkHorizon(st: PassState, out: SignalPass[], h: number, d: DateContext): void {
  const S = out.length;
  const k = st.k;
  const t = d.t;
  const slot = t % st.R;
  const secs = st.fSecuritySorted[h];
  const vals = st.fValueSorted[h];
  const tieStart = st.fTieStart[h];
  const tieEnd = st.fTieEnd[h];
  const tieGroups = st.fTieGroups[h];
  const narrow = st.nF <= IMUL_MAX;
  if (narrow && S > 1) {
    // the pair walks read the sorted returns from module arrays (compiled-in addresses)
    WALK_SECS.set(secs.subarray(0, st.nF));
    WALK_VALS.set(vals.subarray(0, st.nF));
  }
  for (let s = 0; s < S; s += 2) {
    WALK_SUMS_A.fill(0, 0, k + 1);
    if (s + 1 < S && narrow) {
      WALK_SUMS_B.fill(0, 0, k + 1);
      forwardWalkPair(st.nF, st.codeSlots[s][slot], st.codeSlots[s + 1][slot], tieStart, tieEnd, tieGroups);
      writeHorizon(st, out[s], s, h, t, walkA, WALK_SUMS_A);
      writeHorizon(st, out[s + 1], s + 1, h, t, walkB, WALK_SUMS_B);
      continue;
    }
    for (let r = s; r < s + 2 && r < S; r++) {
      WALK_SUMS_A.fill(0, 0, k + 1);
      if (narrow) forwardWalk(secs, vals, st.nF, st.codeSlots[r][slot], tieStart, tieEnd, tieGroups);
      else forwardWalkWide(secs, vals, st.nF, st.codeSlots[r][slot], tieStart, tieEnd, tieGroups);
      writeHorizon(st, out[r], r, h, t, walkA, WALK_SUMS_A);
    }
  }
}

function writeHorizon(st: PassState, so: SignalPass, s: number, h: number, t: number, sums: typeof walkA, bucketSum: Float64Array): void {
  const k = st.k;
  const n = st.usedBySignal[s];
  so.ic[h][t] = rankPearson(n, sums.sxy, st.squaresBySignal[s], sums.syy);
  // the date's sum: slot 0 (a date without buckets) and the buckets 1..k, each summed in
  // ascending return order by the walk; the spill slot holds the unused names
  let sum = 0;
  for (let b = 0; b <= k; b++) sum += bucketSum[b];
  so.dateMean[h][t] = n > 0 ? sum / n : NaN;
  const counts = st.countsBySignal;
  for (let b = 0; b < k; b++) {
    const c = counts[s * k + b];
    if (c > 0) so.bucketMean[h][t * k + b] = bucketSum[b + 1] / c;
  }
}

/** Counts, 1-bar bucket means, autocorrelation and turnover of one signal (rings also while replaying). */
export function finishSignal(st: PassState, so: SignalPass, s: number, d: DateContext): void {
  const k = st.k;
  const t = d.t;
  const code = st.codeSlots[s][t % st.R];
  const counts = st.countsBySignal;
  const c0 = s * k;
  if (d.emit) {
    so.used[t] = st.usedBySignal[s];
    for (let b = 0; b < k; b++) so.bucketCount[t * k + b] = counts[c0 + b];
    if (so.bucketMean1 !== null && d.forward1 !== null) {
      const bm1 = so.bucketMean1;
      if (d.forward1Horizon >= 0) {
        const bm = so.bucketMean[d.forward1Horizon];
        for (let b = t * k; b < (t + 1) * k; b++) bm1[b] = bm[b];
      } else {
        const fwd1 = d.forward1;
        const base = d.base;
        const usedList = st.usedLists[s];
        const u = st.usedBySignal[s];
        const bucketSum = st.bucketSum;
        const bucketN = st.bucketN;
        bucketSum.fill(0, 0, k);
        bucketN.fill(0, 0, k);
        for (let a = 0; a < u; a++) {
          const i = usedList[a];
          const b = code[i] >>> CODE_RANK_BITS;
          const f = fwd1[base + i];
          if (b === 0 || f - f !== 0) continue;
          bucketSum[b - 1] += f;
          bucketN[b - 1]++;
        }
        for (let b = 0; b < k; b++) if (bucketN[b] > 0) bm1[t * k + b] = bucketSum[b] / bucketN[b];
      }
    }
  }
  if (st.lags.length) autocorrelationAndTurnover(st, so, s, d, code);
}

/** Sums of one horizon's walk for each signal of a pair: rank products and squared forward ranks. */
const walkA = { sxy: 0, syy: 0 };
const walkB = { sxy: 0, syy: 0 };
/**
 * Bucket sums of the walk: slot b holds bucket b (1..k); slot 0 takes the returns of names on
 * a date without buckets and slot UNUSED_BUCKET those of unused names, so the walk adds
 * without a branch. Module constants rather than PassState arrays: V8 compiles their addresses
 * into the walk, leaving registers for the loop (measurably faster). 2048 slots: every
 * code >>> CODE_RANK_BITS is an index.
 */
const WALK_SUMS_A = new Float64Array(2048);
const WALK_SUMS_B = new Float64Array(2048);
/** A copy of the horizon's sorted securities and returns for the pair walks (nF <= IMUL_MAX). */
const WALK_SECS = new Int32Array(IMUL_MAX);
const WALK_VALS = new Float64Array(IMUL_MAX);

/** Interleaved copies of the turnover counters (a power of 2). */
const STAY_COPIES = 8;

/**
 * Names per chunk of the walks' integer rank-product sums: a product 2 * rank * rank is at
 * most 2 nF^2, and a chunk's sum stays below 2^30 (V8's small integers: int32 adds, no
 * conversion to double per name). The chunk sums are exact integers, so adding them to the
 * double sums gives the same bits as adding every product there.
 */
function productChunk(nF: number): number {
  return Math.max(1, Math.floor(0x3fffffff / Math.max(1, 2 * nF * nF)));
}

/** Sum of r^2 for r = 1..n (exact in double precision for n below ~10^5). */
function squaresUpTo(n: number): number {
  return (n * (n + 1) * (2 * n + 1)) / 6;
}

/**
 * One horizon's walk over the forward returns in ascending order, for two signals at once (they
 * share the loads of the sorted returns and run their sums side by side): the r-th used name
 * of a signal gets forward rank r, its code's signal rank enters the sum of products and its
 * return its bucket's sum (in ascending return order; the date's sum is the buckets' sum).
 * Runs of equal returns (found once per date, tieStart/tieEnd) share their average rank;
 * between them the loop has no tie test. forwardWalk is the same for one signal (an odd one out); both need
 * nF <= IMUL_MAX (2 * rank * rank fits int32: Math.imul, no overflow or -0 checks), else
 * forwardWalkWide.
 */
function forwardWalkPair(
  nF: number, codeA: Int32Array, codeB: Int32Array,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  const sumA = WALK_SUMS_A;
  const sumB = WALK_SUMS_B;
  const secs = WALK_SECS;
  const vals = WALK_VALS;
  let rA = 0;
  let sxyA = 0;
  let syyA = 0;
  let rB = 0;
  let sxyB = 0;
  let syyB = 0;
  let q = 0;
  const chunk = productChunk(nF);
  // No branch on "used": an unused name's code has rank part 0 (adds 0 to the products) and
  // its return goes to the spill slot (docs/engine.md, "Kernel style").
  for (let g = 0; g <= tieGroups; g++) {
    const stop = g < tieGroups ? tieStart[g] : nF;
    const rA0 = rA;
    const rB0 = rB;
    while (q < stop) {
      // rank products summed as small integers over a chunk, then added to the double sums
      const chunkEnd = Math.min(stop, q + chunk);
      let pA = 0;
      let pB = 0;
      for (; q < chunkEnd; q++) {
        const i = secs[q];
        const f = vals[q];
        const cA = codeA[i];
        const uA = 1 - (cA >>> 31);
        rA += uA;
        pA += Math.imul(cA & RANK_MASK, rA);
        sumA[cA >>> CODE_RANK_BITS] += f;
        const cB = codeB[i];
        const uB = 1 - (cB >>> 31);
        rB += uB;
        pB += Math.imul(cB & RANK_MASK, rB);
        sumB[cB >>> CODE_RANK_BITS] += f;
      }
      sxyA += pA;
      sxyB += pB;
    }
    syyA += squaresUpTo(rA) - squaresUpTo(rA0);
    syyB += squaresUpTo(rB) - squaresUpTo(rB0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    const f = vals[q];
    let cntA = 0;
    let sxA = 0;
    let cntB = 0;
    let sxB = 0;
    for (; q < end; q++) {
      const i = secs[q];
      const cA = codeA[i];
      cntA += 1 - (cA >>> 31);
      sxA += cA & RANK_MASK;
      sumA[cA >>> CODE_RANK_BITS] += f;
      const cB = codeB[i];
      cntB += 1 - (cB >>> 31);
      sxB += cB & RANK_MASK;
      sumB[cB >>> CODE_RANK_BITS] += f;
    }
    if (cntA > 0) {
      const avg = rA + (cntA + 1) / 2;
      sxyA += sxA * avg;
      syyA += cntA * avg * avg;
      rA += cntA;
    }
    if (cntB > 0) {
      const avg = rB + (cntB + 1) / 2;
      sxyB += sxB * avg;
      syyB += cntB * avg * avg;
      rB += cntB;
    }
  }
  walkA.sxy = sxyA / 2;
  walkA.syy = syyA;
  walkB.sxy = sxyB / 2;
  walkB.syy = syyB;
}

/** forwardWalkPair for one signal (sums in walkA and WALK_SUMS_A). */
function forwardWalk(
  secs: Int32Array, vals: Float64Array, nF: number, code: Int32Array,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  const bucketSum = WALK_SUMS_A;
  let r = 0;
  let sxy2 = 0;
  let syy = 0;
  let q = 0;
  const chunk = productChunk(nF);
  for (let g = 0; g <= tieGroups; g++) {
    const stop = g < tieGroups ? tieStart[g] : nF;
    const r0 = r;
    while (q < stop) {
      const chunkEnd = Math.min(stop, q + chunk);
      let p = 0;
      for (; q < chunkEnd; q++) {
        const c = code[secs[q]];
        const f = vals[q];
        const u = 1 - (c >>> 31);
        r += u;
        p += Math.imul(c & RANK_MASK, r);
        bucketSum[c >>> CODE_RANK_BITS] += f;
      }
      sxy2 += p;
    }
    syy += squaresUpTo(r) - squaresUpTo(r0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    const f = vals[q];
    let cnt = 0;
    let sx2 = 0;
    for (; q < end; q++) {
      const c = code[secs[q]];
      cnt += 1 - (c >>> 31);
      sx2 += c & RANK_MASK;
      bucketSum[c >>> CODE_RANK_BITS] += f;
    }
    if (cnt > 0) {
      const avg = r + (cnt + 1) / 2;
      sxy2 += sx2 * avg;
      syy += cnt * avg * avg;
      r += cnt;
    }
  }
  walkA.sxy = sxy2 / 2;
  walkA.syy = syy;
}

/** forwardWalk for cross-sections above IMUL_MAX: rank products in double precision. */
function forwardWalkWide(
  secs: Int32Array, vals: Float64Array, nF: number, code: Int32Array,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  const bucketSum = WALK_SUMS_A;
  let r = 0;
  let sxy2 = 0;
  let syy = 0;
  let q = 0;
  for (let g = 0; g <= tieGroups; g++) {
    const stop = g < tieGroups ? tieStart[g] : nF;
    const r0 = r;
    for (; q < stop; q++) {
      const c = code[secs[q]];
      const f = vals[q];
      const u = 1 - (c >>> 31);
      r += u;
      sxy2 += (c & RANK_MASK) * r;
      bucketSum[c >>> CODE_RANK_BITS] += f;
    }
    syy += squaresUpTo(r) - squaresUpTo(r0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    const f = vals[q];
    let cnt = 0;
    let sx2 = 0;
    for (; q < end; q++) {
      const c = code[secs[q]];
      cnt += 1 - (c >>> 31);
      sx2 += c & RANK_MASK;
      bucketSum[c >>> CODE_RANK_BITS] += f;
    }
    if (cnt > 0) {
      const avg = r + (cnt + 1) / 2;
      sxy2 += sx2 * avg;
      syy += cnt * avg * avg;
      r += cnt;
    }
  }
  walkA.sxy = sxy2 / 2;
  walkA.syy = syy;
}

/**
 * Rank autocorrelation and bucket turnover against the codes of `lag` dates earlier (the ring
 * holds every date's codes, also while replaying, so a block starts with full rings). One
 * sequential walk over the securities per lag.
 */
function autocorrelationAndTurnover(st: PassState, so: SignalPass, s: number, d: DateContext, code: Int32Array): void {
  const { N, R, k, lags } = st;
  const { t, emit } = d;
  const slots = st.codeSlots[s];
  const cring = st.countRing[s];
  // per bucket b: stay[2b + 1] counts today's names in b that were in b `lag` dates earlier
  // (an absent name's bucket part is above every bucket, so it never matches). With few
  // buckets the counters are spread over COPIES interleaved copies (by security), so
  // consecutive names rarely increment the same memory cell; the copies are added up after.
  const stay = st.newInBucket;
  const copies = k < 15 ? STAY_COPIES : 1;
  const copyMask = copies - 1;
  if (emit) {
    for (let l = 0; l < lags.length; l++) {
      const lag = lags[l];
      if (t - lag < 0) continue;
      if (l === 0 && st.fuseFirstLag) {
        // summed by rankSignal
        const ac = st.firstLagSums;
        const o = 6 * s;
        so.autocorrelation[0][t] = pearsonFromSums(ac[o], ac[o + 1] / 2, ac[o + 2] / 2, ac[o + 3] / 4, ac[o + 4] / 4, ac[o + 5] / 4);
        if (k > 0) {
          const before = ((t - lag) % R) * k;
          for (let b = 0; b < k; b++) {
            const now = st.countsBySignal[s * k + b];
            if (!(now > 0 && cring[before + b] > 0)) continue;
            so.turnover[0][t * k + b] = (now - st.stayBySignal[s * k + b]) / now;
          }
        }
        continue;
      }
      const prev = slots[(t - lag) % R];
      stay.fill(0, 0, 2 * (k + 1) * copies);
      let n = 0;
      let sx2 = 0;
      let sy2 = 0;
      let sxy4 = 0;
      let sxx4 = 0;
      let syy4 = 0;
      for (let i = 0; i < N; i++) {
        const c = code[i];
        if (c < 0) continue;
        const pc = prev[i];
        const b = c >>> CODE_RANK_BITS;
        // 1 when the bucket `lag` dates earlier is b, without a branch: ((x ^ b) - 1) >>> 31 is 1 iff x === b (x, b >= 0)
        const same = (((pc >>> CODE_RANK_BITS) ^ b) - 1) >>> 31;
        stay[(((b << 1) | same) * copies) | (i & copyMask)]++;
        if (pc >= 0) {
          const x2 = c & RANK_MASK;
          const y2 = pc & RANK_MASK;
          n++;
          sx2 += x2;
          sy2 += y2;
          sxy4 += x2 * y2;
          sxx4 += x2 * x2;
          syy4 += y2 * y2;
        }
      }
      so.autocorrelation[l][t] = pearsonFromSums(n, sx2 / 2, sy2 / 2, sxy4 / 4, sxx4 / 4, syy4 / 4);
      if (k > 0) {
        const before = ((t - lag) % R) * k;
        for (let b = 0; b < k; b++) {
          const now = st.countsBySignal[s * k + b];
          if (!(now > 0 && cring[before + b] > 0)) continue;
          let same = 0;
          for (let c = (2 * (b + 1) + 1) * copies, e = c + copies; c < e; c++) same += stay[c];
          so.turnover[l][t * k + b] = (now - same) / now;
        }
      }
    }
  }
  if (k > 0) {
    const at = (t % R) * k;
    for (let b = 0; b < k; b++) cring[at + b] = st.countsBySignal[s * k + b];
  }
}
