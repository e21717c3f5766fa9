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
 * others. Its rank part is 0, its sign bit 1 and its bucket part (code >>> CODE_RANK_BITS,
 * 1024) above every real bucket: the walks add an unused name with a rank of 0 instead of
 * testing it, and it never counts as staying in a bucket. The shift and mask are constants
 * so the hot loops use immediates (no register for them).
 */
export const CODE_RANK_BITS = 21;
const RANK_MASK = 0x1fffff;
export const CODE_UNUSED = -2147483648;
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
 * rank) in one Int32, CODE_UNUSED for the other names - then sums each horizon's returns by
 * bucket (returnsByBucket). walkHorizon: one walk per horizon over the forward returns in
 * sorted order, two signals at a time, ranks the used names among themselves and sums the
 * IC's rank products; with the bucket sums, the IC, date mean and bucket means.
 * finishSignal: 1-bar bucket means, autocorrelation and turnover. Definitions:
 * docs/research.md.
 *
 * Exactness: average ranks are multiples of 1/2, so codes carry 2 * rank as an integer and
 * every rank sum (IC, autocorrelation) is an exact integer in double precision, whatever the
 * order of summation; sums of returns are added in ascending signal order.
 */
export function rankSignal(st: PassState, sc: SignalScratch, s: number, d: DateContext, signal: Float64Array): void {
  const k = st.k;
  const counts = st.countsBySignal;
  const stays = st.stayBySignal;
  const c0 = s * k;
  const n = sc.used;
  const code = st.codeSlots[s][d.t % st.R];
  code.fill(CODE_UNUSED);
  if (k > 0) {
    counts.fill(0, c0, c0 + k);
    stays.fill(0, c0, c0 + k);
  }
  const withBuckets = k > 0 && n >= k;
  // quantileBucket(minRank, n, k) = max(1, ceil((minRank - 1) k / (n - 1))): the bucket steps
  // forward while (minRank - 1) k > bucket (n - 1), i.e. while minRank - 1 > limit =
  // floor(bucket (n - 1) / k) - the division only on a step. Without buckets: bucket 0 and a
  // limit never reached.
  const span = n - 1;
  let bucket = withBuckets ? 1 : 0;
  // (... | 0 = floor for these non-negative values)
  let limit = withBuckets ? (span / k) | 0 : 2147483647;
  // names before this one are counted in earlier buckets
  let bucketStart = 0;

  // the first lag's autocorrelation and turnover ride along (autocorrelationAndTurnover): each
  // used name's code `lag` dates earlier is read where its code is written (rankDistinct;
  // rankDistinctAlone without them, and the rare tie groups sum over noCodes then and drop it)
  const lag = st.lags.length ? st.lags[0] : 0;
  const fused = st.fuseFirstLag && d.emit && d.t - lag >= 0;
  const prev = fused ? st.codeSlots[s][(d.t - lag) % st.R] : st.noCodes;
  const sums = RANK_SUMS;
  sums.fill(0);

  // used names in ascending signal order; their values are read in place (signal[row + i]).
  // Names j and j + 1 can be equal only when keys[j] === keys[j + 1]: the sort's keys, or
  // group numbers of equal values when the order came without keys.
  const secs = sc.sorted;
  const row = d.row;
  const keys = radixArgsortKeys();
  if (!sc.sortedKeys) groupNumbers(secs, n, signal, row, keys);
  if (n > 0) keys[n] = keys[n - 1] ^ 1;
  // sum of squared average ranks = squaresUpTo(n) minus, per tie group, what averaging removed
  let tieSquares = 0;
  // end of the last run of equal keys put in exact order (sortKeyRun)
  let exactEnd = 0;
  // the name at j has min rank j + 1
  let j = 0;
  while (j < n) {
    if (j > limit) {
      counts[c0 + bucket - 1] += j - bucketStart;
      stays[c0 + bucket - 1] += sums[SAME];
      sums[SAME] = 0;
      bucketStart = j;
      do {
        bucket++;
        limit = ((bucket * span) / k) | 0;
      } while (j > limit);
    }
    if (keys[j + 1] !== keys[j]) {
      const end = limit < n ? limit + 1 : n;
      j = fused ? rankDistinct(secs, keys, code, prev, j, end, bucket) : rankDistinctAlone(secs, keys, code, j, end, bucket);
      continue;
    }
    // colliding keys: the sort left the run in security order, so order it by value first
    if (j >= exactEnd) exactEnd = sortKeyRun(secs, j, n, signal, row);
    // the group of c equal values at j: one average rank, 2 * average rank = 2j + c + 1
    const v = signal[row + secs[j]];
    let e = j + 1;
    while (e < exactEnd && signal[row + secs[e]] === v) e++;
    const c = e - j;
    const x2 = 2 * j + c + 1;
    const tieCode = (bucket << CODE_RANK_BITS) | x2;
    for (let a = j; a < e; a++) {
      const i = secs[a];
      code[i] = tieCode;
      const pc = prev[i];
      const y2 = pc & RANK_MASK;
      sums[SY2] += y2;
      sums[SXY4] += x2 * y2;
      sums[SYY4] += y2 * y2;
      sums[SAME] += (((pc >>> CODE_RANK_BITS) ^ bucket) - 1) >>> 31;
      if (pc < 0) {
        sums[MISSING]++;
        sums[MISS_X2] += x2;
        sums[MISS_XX4] += x2 * x2;
      }
    }
    const avg = e - (c - 1) / 2;
    tieSquares += squaresUpTo(e) - squaresUpTo(j) - c * avg * avg;
    j = e;
  }
  if (bucket > 0) {
    counts[c0 + bucket - 1] += n - bucketStart;
    stays[c0 + bucket - 1] += sums[SAME];
  }
  if (d.emit) {
    // secs is now in exact order: the used list (signal order) for 1-bar bucket means that are not one of the horizons
    if (d.forward1 !== null && d.forward1Horizon < 0 && k > 0) st.usedLists[s].set(secs.subarray(0, n));
    returnsByBucket(st, s, d, secs, n);
  }
  const squares = squaresUpTo(n) - tieSquares;
  st.usedBySignal[s] = n;
  st.squaresBySignal[s] = squares;
  if (fused) {
    // over the names used on both dates; today's sums of x2 (= 2 * rank) and x2^2 over all used
    // names are n (n + 1) and 4 * squares. Every sum is an exact integer.
    const ac = st.firstLagSums;
    ac[6 * s] = n - sums[MISSING];
    ac[6 * s + 1] = n * (n + 1) - sums[MISS_X2];
    ac[6 * s + 2] = sums[SY2];
    ac[6 * s + 3] = sums[SXY4];
    ac[6 * s + 4] = 4 * squares - sums[MISS_XX4];
    ac[6 * s + 5] = sums[SYY4];
  }
}

/**
 * rankSignal's sums over today's used names, carried between it and rankDistinct: of y2 = 2 *
 * rank `lag` dates earlier (0 for a name not used then), x2 * y2 and y2 * y2; for the names not
 * used then, their count, x2 and x2 * x2; and the current bucket's names that were in it `lag`
 * dates earlier. All exact integers, so the order they are added in does not matter.
 */
const RANK_SUMS = new Float64Array(7);
const SY2 = 0;
const SXY4 = 1;
const SYY4 = 2;
const MISSING = 3;
const MISS_X2 = 4;
const MISS_XX4 = 5;
const SAME = 6;

/**
 * rankSignal's common case: names j, j + 1, ... before `end` (all in `bucket`) whose values
 * differ from both neighbours get rank j + 1. Stops at end or at the first name whose key
 * equals the next one's; returns where it stopped. A loop of its own without calls or inner
 * loops: V8 then checks its arrays once, not per name, and keeps the sums in registers.
 */
function rankDistinct(
  secs: Int32Array, keys: Int32Array, code: Int32Array, prev: Int32Array, start: number, end: number, bucket: number,
): number {
  const sums = RANK_SUMS;
  let sy2 = 0;
  let sxy4 = 0;
  let syy4 = 0;
  let same = 0;
  let missing = 0;
  let missX2 = 0;
  let missXX4 = 0;
  const bucketBits = bucket << CODE_RANK_BITS;
  let j = start;
  for (; j < end; j++) {
    const i = secs[j];
    const pc = prev[i];
    if (keys[j + 1] === keys[j]) break;
    const x2 = (j + 1) << 1;
    code[i] = bucketBits | x2;
    const y2 = pc & RANK_MASK;
    sy2 += y2;
    // products below 2^32 (N <= IMUL_MAX): Math.imul(...) >>> 0 is exact
    sxy4 += Math.imul(x2, y2) >>> 0;
    syy4 += Math.imul(y2, y2) >>> 0;
    // 1 when the bucket `lag` dates earlier is this one: ((x ^ b) - 1) >>> 31 is 1 iff x === b (x, b >= 0)
    same += (((pc >>> CODE_RANK_BITS) ^ bucket) - 1) >>> 31;
    if (pc < 0) {
      missing++;
      missX2 += x2;
      missXX4 += Math.imul(x2, x2) >>> 0;
    }
  }
  sums[SY2] += sy2;
  sums[SXY4] += sxy4;
  sums[SYY4] += syy4;
  sums[SAME] += same;
  sums[MISSING] += missing;
  sums[MISS_X2] += missX2;
  sums[MISS_XX4] += missXX4;
  return j;
}

/** rankDistinct without the first lag's sums: the codes alone. */
function rankDistinctAlone(secs: Int32Array, keys: Int32Array, code: Int32Array, start: number, end: number, bucket: number): number {
  const bucketBits = bucket << CODE_RANK_BITS;
  let j = start;
  for (; j < end; j++) {
    const i = secs[j];
    if (keys[j + 1] === keys[j]) break;
    code[i] = bucketBits | ((j + 1) << 1);
  }
  return j;
}

/** keys[j] for the exactly sorted used names: equal for equal values, else different (group numbers). */
function groupNumbers(secs: Int32Array, n: number, signal: Float64Array, row: number, keys: Int32Array): void {
  let group = 0;
  let last = n > 0 ? signal[row + secs[0]] : 0;
  for (let j = 0; j < n; j++) {
    const v = signal[row + secs[j]];
    group += v === last ? 0 : 1;
    last = v;
    keys[j] = group;
  }
}

/** IC, date mean and bucket means of every signal at horizon h (emitting dates only). */
export function walkHorizon(st: PassState, out: SignalPass[], h: number, d: DateContext): void {
  const S = out.length;
  const t = d.t;
  const slot = t % st.R;
  const secs = st.fSecuritySorted[h];
  const tieStart = st.fTieStart[h];
  const tieEnd = st.fTieEnd[h];
  const tieGroups = st.fTieGroups[h];
  const narrow = st.nF <= IMUL_MAX;
  // the pair walks read the sorted securities from a module array (a compiled-in address)
  if (narrow && S > 1) WALK_SECS.set(secs.subarray(0, st.nF));
  for (let s = 0; s < S; s += 2) {
    if (s + 1 < S && narrow) {
      forwardWalkPair(st.nF, st.codeSlots[s][slot], st.codeSlots[s + 1][slot], tieStart, tieEnd, tieGroups);
      writeHorizon(st, out[s], s, h, t, WALK_SUMS[0], WALK_SUMS[1]);
      writeHorizon(st, out[s + 1], s + 1, h, t, WALK_SUMS[2], WALK_SUMS[3]);
      continue;
    }
    for (let r = s; r < s + 2 && r < S; r++) {
      if (narrow) forwardWalk(secs, st.nF, st.codeSlots[r][slot], tieStart, tieEnd, tieGroups);
      else forwardWalkWide(secs, st.nF, st.codeSlots[r][slot], tieStart, tieEnd, tieGroups);
      writeHorizon(st, out[r], r, h, t, WALK_SUMS[0], WALK_SUMS[1]);
    }
  }
}

/** IC from the walk's rank sums (sxy: sum of rank products, syy: of squared forward ranks), date and bucket means from returnsByBucket. */
function writeHorizon(st: PassState, so: SignalPass, s: number, h: number, t: number, sxy: number, syy: number): void {
  const k = st.k;
  const n = st.usedBySignal[s];
  so.ic[h][t] = rankPearson(n, sxy, st.squaresBySignal[s], syy);
  // the date's sum: slot 0 (a date without buckets) and the buckets 1..k
  const sums = st.returnSums;
  const at = (s * st.H + h) * (k + 1);
  let sum = 0;
  for (let b = 0; b <= k; b++) sum += sums[at + b];
  so.dateMean[h][t] = n > 0 ? sum / n : NaN;
  const counts = st.countsBySignal;
  for (let b = 0; b < k; b++) {
    const c = counts[s * k + b];
    if (c > 0) so.bucketMean[h][t * k + b] = sums[at + b + 1] / c;
  }
}

/**
 * Per horizon, the sums of a signal's used names' forward returns today by bucket, each added
 * in ascending signal order (buckets are runs of the sorted names): st.returnSums at (s * H +
 * h) * (k + 1) + b for bucket b, slot 0 for every name on a date without buckets. Groups of
 * four horizons read RETURN_QUADS (one cache line per name), the rest the horizon's own row.
 */
export function returnsByBucket(st: PassState, s: number, d: DateContext, secs: Int32Array, n: number): void {
  const { k, H, N } = st;
  const sums = st.returnSums;
  const at = s * H * (k + 1);
  sums.fill(0, at, at + H * (k + 1));
  const quads = returnQuadGroups(H, N);
  const withBuckets = k > 0 && n >= k;
  let from = 0;
  for (let b = withBuckets ? 1 : 0; b <= (withBuckets ? k : 0); b++) {
    const to = withBuckets ? from + st.countsBySignal[s * k + b - 1] : n;
    for (let g = 0; g < quads; g++) {
      sumQuad(secs, 4 * g * N, from, to);
      for (let c = 0; c < 4; c++) sums[at + (4 * g + c) * (k + 1) + b] = QUAD_SUMS[c];
    }
    for (let h = 4 * quads; h < H; h++) sums[at + h * (k + 1) + b] = sumAt(secs, d.forward[h], d.base, from, to);
    from = to;
  }
}

/**
 * Today's returns of the horizons 0 .. 4 returnQuadGroups(H, N) - 1 by security, in groups of
 * four: horizon 4g + c of security i at (g N + i) 4 + c, written once per date (returnQuads)
 * and read by every signal. A module constant (V8 compiles its address and length into
 * sumQuad); 8 MB of address space per thread, touched only as far as used.
 */
const RETURN_QUADS = new Float64Array(1 << 20);

/** How many groups of four horizons RETURN_QUADS holds for a cross-section of N (the rest are summed one by one). */
export function returnQuadGroups(H: number, N: number): number {
  return Math.min(H >> 2, Math.floor(RETURN_QUADS.length / (4 * Math.max(1, N))));
}

/** Today's returns of the horizons in groups of four, by security (RETURN_QUADS). */
export function returnQuads(fwd: Float64Array[], base: number, N: number): void {
  const quads = RETURN_QUADS;
  for (let g = 0; g < returnQuadGroups(fwd.length, N); g++) {
    const f0 = fwd[4 * g];
    const f1 = fwd[4 * g + 1];
    const f2 = fwd[4 * g + 2];
    const f3 = fwd[4 * g + 3];
    const at = 4 * g * N;
    for (let i = 0; i < N; i++) {
      const q = at + 4 * i;
      quads[q] = f0[base + i];
      quads[q + 1] = f1[base + i];
      quads[q + 2] = f2[base + i];
      quads[q + 3] = f3[base + i];
    }
  }
}

/** RETURN_QUADS[base + 4 secs[j] + c] summed over j in [from, to), into QUAD_SUMS[c] (c < 4). */
function sumQuad(secs: Int32Array, base: number, from: number, to: number): void {
  const quads = RETURN_QUADS;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let j = from; j < to; j++) {
    // base is a multiple of 4: | c adds c without an overflow check
    const q = (base + (secs[j] << 2)) | 0;
    a0 += quads[q];
    a1 += quads[q | 1];
    a2 += quads[q | 2];
    a3 += quads[q | 3];
  }
  QUAD_SUMS[0] = a0;
  QUAD_SUMS[1] = a1;
  QUAD_SUMS[2] = a2;
  QUAD_SUMS[3] = a3;
}
const QUAD_SUMS = new Float64Array(4);

/** values[base + secs[j]] summed over j in [from, to). */
function sumAt(secs: Int32Array, values: Float64Array, base: number, from: number, to: number): number {
  let sum = 0;
  for (let j = from; j < to; j++) sum += values[base + secs[j]];
  return sum;
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

/** The walks' rank sums: of rank products and of squared forward ranks, for the pair's first signal then its second. */
const WALK_SUMS = new Float64Array(4);
/** A copy of the horizon's sorted securities for the pair walks (nF <= IMUL_MAX). */
const WALK_SECS = new Int32Array(IMUL_MAX);

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
 * share the loads of the sorted securities and run their sums side by side): the r-th used name
 * of a signal gets forward rank r and its code's signal rank enters the sum of products.
 * Runs of equal returns (found once per date, tieStart/tieEnd) share their average rank;
 * between them the loop has no tie test. forwardWalk is the same for one signal (an odd one
 * out); both need nF <= IMUL_MAX (2 * rank * rank fits int32: Math.imul, no overflow or -0
 * checks), else forwardWalkWide. Sums in WALK_SUMS.
 */
function forwardWalkPair(
  nF: number, codeA: Int32Array, codeB: Int32Array,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  const secs = WALK_SECS;
  let rA = 0;
  let sxyA = 0;
  let syyA = 0;
  let rB = 0;
  let sxyB = 0;
  let syyB = 0;
  let q = 0;
  const chunk = productChunk(nF);
  // No branch on "used": an unused name's code has rank part 0 (adds 0 to the products) and
  // sign bit 1 (adds 0 to the rank) (docs/engine.md, "Kernel style"). | 0: int32 adds
  // without overflow checks (ranks <= nF, chunk sums < 2^30).
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
        const cA = codeA[i];
        const cB = codeB[i];
        rA = (rA + 1 + (cA >> 31)) | 0;
        pA = (pA + Math.imul(cA & RANK_MASK, rA)) | 0;
        rB = (rB + 1 + (cB >> 31)) | 0;
        pB = (pB + Math.imul(cB & RANK_MASK, rB)) | 0;
      }
      sxyA += pA;
      sxyB += pB;
    }
    syyA += squaresUpTo(rA) - squaresUpTo(rA0);
    syyB += squaresUpTo(rB) - squaresUpTo(rB0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    let cntA = 0;
    let sxA = 0;
    let cntB = 0;
    let sxB = 0;
    for (; q < end; q++) {
      const i = secs[q];
      const cA = codeA[i];
      cntA += 1 - (cA >>> 31);
      sxA += cA & RANK_MASK;
      const cB = codeB[i];
      cntB += 1 - (cB >>> 31);
      sxB += cB & RANK_MASK;
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
  WALK_SUMS[0] = sxyA / 2;
  WALK_SUMS[1] = syyA;
  WALK_SUMS[2] = sxyB / 2;
  WALK_SUMS[3] = syyB;
}

/** forwardWalkPair for one signal (sums in WALK_SUMS[0..2)). */
function forwardWalk(
  secs: Int32Array, nF: number, code: Int32Array,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
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
        r = (r + 1 - (c >>> 31)) | 0;
        p = (p + Math.imul(c & RANK_MASK, r)) | 0;
      }
      sxy2 += p;
    }
    syy += squaresUpTo(r) - squaresUpTo(r0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    let cnt = 0;
    let sx2 = 0;
    for (; q < end; q++) {
      const c = code[secs[q]];
      cnt += 1 - (c >>> 31);
      sx2 += c & RANK_MASK;
    }
    if (cnt > 0) {
      const avg = r + (cnt + 1) / 2;
      sxy2 += sx2 * avg;
      syy += cnt * avg * avg;
      r += cnt;
    }
  }
  WALK_SUMS[0] = sxy2 / 2;
  WALK_SUMS[1] = syy;
}

/** forwardWalk for cross-sections above IMUL_MAX: rank products in double precision. */
function forwardWalkWide(
  secs: Int32Array, nF: number, code: Int32Array,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  let r = 0;
  let sxy2 = 0;
  let syy = 0;
  let q = 0;
  for (let g = 0; g <= tieGroups; g++) {
    const stop = g < tieGroups ? tieStart[g] : nF;
    const r0 = r;
    for (; q < stop; q++) {
      const c = code[secs[q]];
      r += 1 - (c >>> 31);
      sxy2 += (c & RANK_MASK) * r;
    }
    syy += squaresUpTo(r) - squaresUpTo(r0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    let cnt = 0;
    let sx2 = 0;
    for (; q < end; q++) {
      const c = code[secs[q]];
      cnt += 1 - (c >>> 31);
      sx2 += c & RANK_MASK;
    }
    if (cnt > 0) {
      const avg = r + (cnt + 1) / 2;
      sxy2 += sx2 * avg;
      syy += cnt * avg * avg;
      r += cnt;
    }
  }
  WALK_SUMS[0] = sxy2 / 2;
  WALK_SUMS[1] = syy;
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
