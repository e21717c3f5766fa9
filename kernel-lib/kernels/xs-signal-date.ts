import { pearsonFromSums, rankPearson } from './ic-rank-pearson';
import { radixArgsortKeys } from './rank-sort';
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
 * One date, whole cross-section (no groups): the hot path of factor research, in three steps.
 * rankSignal: from a signal's sorted order, one walk gives every used name (finite signal and
 * every forward return) a rank code - its average rank and its quantile bucket (from its min
 * rank) in one Int32, -1 for the other names - and a place in the used list. walkHorizon: one
 * walk per horizon over the forward returns in sorted order, two signals at a time, ranks the
 * used names among themselves and accumulates in the same step the sums of the IC, the date
 * mean and the bucket means. finishSignal: 1-bar bucket means, autocorrelation and turnover.
 * Definitions: docs/research.md.
 *
 * Exactness: average ranks are multiples of 1/2, so codes carry 2 * rank as an integer and
 * every rank sum (IC, autocorrelation) is an exact integer in double precision, whatever the
 * order of summation; sums of returns keep the ascending forward-return order.
 */
export function rankSignal(st: PassState, sc: SignalScratch, s: number, d: DateContext): void {
  const k = st.k;
  const BB = st.bucketBits;
  const usedList = st.usedLists[s];
  // the used list (signal order) only feeds 1-bar bucket means that are not one of the horizons
  const keepList = d.forward1 !== null && d.forward1Horizon < 0 && k > 0;
  const counts = st.countsBySignal;
  const c0 = s * k;
  const n = sc.used;
  const code = st.codeSlots[s][d.t % st.R];
  code.fill(-1);
  if (k > 0) counts.fill(0, c0, c0 + k);
  const withBuckets = k > 0 && n >= k;
  // quantileBucket(minRank, n, k) = max(1, ceil((minRank - 1) k / (n - 1))), stepped forward
  // as the min rank grows along the walk (exact integer arithmetic, no division)
  let bucket = 1;
  const span = n - 1;

  const order = sc.order;
  const values = sc.values;
  const usedSec = sc.usedSecurityOf;
  const keys = radixArgsortKeys();
  const byKeys = sc.sortedKeys;
  const m = sc.m;
  let ranked = 0;
  let squares = 0;
  let u = 0;
  // bucket counts: buckets only grow along the walk, so count the current one in a register
  let runBucket = 0;
  let runCount = 0;
  let j = 0;
  while (j < m) {
    const p = order[j];
    // equal values end up adjacent; sorted keys rule most of them out without reading values
    let e = j + 1;
    if (byKeys) {
      while (e < m && keys[e] === keys[j] && values[order[e]] === values[p]) e++;
    } else {
      while (e < m && values[order[e]] === values[p]) e++;
    }
    if (e === j + 1) {
      const i = usedSec[p];
      j = e;
      if (i < 0) continue;
      ranked++;
      squares += ranked * ranked;
      if (keepList) usedList[u] = i;
      u++;
      let b = 0;
      if (withBuckets) {
        const num = (ranked - 1) * k;
        while (bucket * span < num) bucket++;
        b = bucket;
        if (b !== runBucket) {
          if (runBucket > 0) counts[c0 + runBucket - 1] += runCount;
          runBucket = b;
          runCount = 0;
        }
        runCount++;
      }
      code[i] = ((2 * ranked - 2) << BB) | b;
      continue;
    }
    let c = 0;
    for (let a = j; a < e; a++) if (usedSec[order[a]] >= 0) c++;
    if (c > 0) {
      const avg = ranked + (c + 1) / 2;
      let b = 0;
      if (withBuckets) {
        const num = ranked * k;
        while (bucket * span < num) bucket++;
        b = bucket;
        if (b !== runBucket) {
          if (runBucket > 0) counts[c0 + runBucket - 1] += runCount;
          runBucket = b;
          runCount = 0;
        }
        runCount += c;
      }
      // 2 * avg - 2 = 2 * ranked + c - 1
      const tieCode = ((2 * ranked + c - 1) << BB) | b;
      for (let a = j; a < e; a++) {
        const i = usedSec[order[a]];
        if (i < 0) continue;
        code[i] = tieCode;
        if (keepList) usedList[u] = i;
        u++;
      }
      ranked += c;
      squares += c * avg * avg;
    }
    j = e;
  }
  if (runBucket > 0) counts[c0 + runBucket - 1] += runCount;
  st.usedBySignal[s] = u;
  st.squaresBySignal[s] = squares;
}

/** IC, date mean and bucket means of every signal at horizon h (emitting dates only). */
export function walkHorizon(st: PassState, out: SignalPass[], h: number, d: DateContext): void {
  const S = out.length;
  const k = st.k;
  const BB = st.bucketBits;
  const t = d.t;
  const slot = t % st.R;
  const secs = st.fSecuritySorted[h];
  const vals = st.fValueSorted[h];
  const tieStart = st.fTieStart[h];
  const tieEnd = st.fTieEnd[h];
  const tieGroups = st.fTieGroups[h];
  for (let s = 0; s < S; s += 2) {
    WALK_SUMS_A.fill(0, 0, k + 1);
    if (s + 1 < S) {
      WALK_SUMS_B.fill(0, 0, k + 1);
      forwardWalkPair(secs, vals, st.nF, st.codeSlots[s][slot], st.codeSlots[s + 1][slot], BB, tieStart, tieEnd, tieGroups);
      writeHorizon(st, out[s], s, h, t, walkA, WALK_SUMS_A);
      writeHorizon(st, out[s + 1], s + 1, h, t, walkB, WALK_SUMS_B);
    } else {
      forwardWalk(secs, vals, st.nF, st.codeSlots[s][slot], BB, tieStart, tieEnd, tieGroups);
      writeHorizon(st, out[s], s, h, t, walkA, WALK_SUMS_A);
    }
  }
}

function writeHorizon(st: PassState, so: SignalPass, s: number, h: number, t: number, sums: typeof walkA, bucketSum: Float64Array): void {
  const k = st.k;
  const n = st.usedBySignal[s];
  so.ic[h][t] = rankPearson(n, sums.sxy, st.squaresBySignal[s], sums.syy);
  so.dateMean[h][t] = n > 0 ? sums.sf / n : NaN;
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
  const BB = st.bucketBits;
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
        const mask = (1 << BB) - 1;
        bucketSum.fill(0, 0, k);
        bucketN.fill(0, 0, k);
        for (let a = 0; a < u; a++) {
          const i = usedList[a];
          const b = code[i] & mask;
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

/** Sums of one horizon's walk for each signal of a pair: rank products, squared forward ranks, forward returns. */
const walkA = { sxy: 0, syy: 0, sf: 0 };
const walkB = { sxy: 0, syy: 0, sf: 0 };
/**
 * Bucket sums of the walk: slot b holds bucket b (1..k); slot 0 takes the returns of names in
 * no bucket, so the walk adds without a branch. Module constants rather than PassState arrays:
 * V8 compiles their addresses into the walk, leaving registers for the loop (measurably
 * faster); k <= 1000.
 */
const WALK_SUMS_A = new Float64Array(1024);
const WALK_SUMS_B = new Float64Array(1024);

/** Interleaved copies of the turnover counters (a power of 2). */
const STAY_COPIES = 8;

/** Sum of r^2 for r = 1..n (exact in double precision for n below ~10^5). */
function squaresUpTo(n: number): number {
  return (n * (n + 1) * (2 * n + 1)) / 6;
}

/**
 * One horizon's walk over the forward returns in ascending order, for two signals at once (they
 * share the loads of the sorted returns and run their sums side by side): the r-th used name
 * of a signal gets forward rank r, its code's signal rank enters the sum of products and its
 * return the date's and its bucket's sums (in ascending return order). Runs of equal returns
 * (found once per date, tieStart/tieEnd) share their average rank; between them the loop has
 * no tie test. forwardWalk is the same for one signal (an odd one out).
 */
function forwardWalkPair(
  secs: Int32Array, vals: Float64Array, nF: number, codeA: Int32Array, codeB: Int32Array, BB: number,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  const sumA = WALK_SUMS_A;
  const sumB = WALK_SUMS_B;
  const mask = (1 << BB) - 1;
  let rA = 0;
  let sxyA = 0;
  let syyA = 0;
  let sfA = 0;
  let rB = 0;
  let sxyB = 0;
  let syyB = 0;
  let sfB = 0;
  let q = 0;
  // Selects, not `if (used) {...}`: V8 runs one-sided float updates 3-5x slower (docs/engine.md,
  // "Kernel style"); an unused name adds exactly 0, so the sums are unchanged.
  for (let g = 0; g <= tieGroups; g++) {
    const stop = g < tieGroups ? tieStart[g] : nF;
    const rA0 = rA;
    const rB0 = rB;
    for (; q < stop; q++) {
      const i = secs[q];
      const f = vals[q];
      const cA = codeA[i];
      const usedA = cA >= 0;
      rA += usedA ? 1 : 0;
      sxyA += usedA ? ((cA >> BB) + 2) * rA : 0;
      sfA += usedA ? f : 0;
      sumA[usedA ? cA & mask : 0] += f;
      const cB = codeB[i];
      const usedB = cB >= 0;
      rB += usedB ? 1 : 0;
      sxyB += usedB ? ((cB >> BB) + 2) * rB : 0;
      sfB += usedB ? f : 0;
      sumB[usedB ? cB & mask : 0] += f;
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
      const usedA = cA >= 0;
      cntA += usedA ? 1 : 0;
      sxA += usedA ? (cA >> BB) + 2 : 0;
      sumA[usedA ? cA & mask : 0] += f;
      const cB = codeB[i];
      const usedB = cB >= 0;
      cntB += usedB ? 1 : 0;
      sxB += usedB ? (cB >> BB) + 2 : 0;
      sumB[usedB ? cB & mask : 0] += f;
    }
    if (cntA > 0) {
      const avg = rA + (cntA + 1) / 2;
      sxyA += sxA * avg;
      syyA += cntA * avg * avg;
      sfA += cntA * f;
      rA += cntA;
    }
    if (cntB > 0) {
      const avg = rB + (cntB + 1) / 2;
      sxyB += sxB * avg;
      syyB += cntB * avg * avg;
      sfB += cntB * f;
      rB += cntB;
    }
  }
  walkA.sxy = sxyA / 2;
  walkA.syy = syyA;
  walkA.sf = sfA;
  walkB.sxy = sxyB / 2;
  walkB.syy = syyB;
  walkB.sf = sfB;
}

/** forwardWalkPair for one signal (sums in walkA and WALK_SUMS_A). */
function forwardWalk(
  secs: Int32Array, vals: Float64Array, nF: number, code: Int32Array, BB: number,
  tieStart: Int32Array, tieEnd: Int32Array, tieGroups: number,
): void {
  const bucketSum = WALK_SUMS_A;
  const mask = (1 << BB) - 1;
  let r = 0;
  let sxy2 = 0;
  let syy = 0;
  let sf = 0;
  let q = 0;
  for (let g = 0; g <= tieGroups; g++) {
    const stop = g < tieGroups ? tieStart[g] : nF;
    const r0 = r;
    for (; q < stop; q++) {
      const c = code[secs[q]];
      const f = vals[q];
      const used = c >= 0;
      r += used ? 1 : 0;
      sxy2 += used ? ((c >> BB) + 2) * r : 0;
      sf += used ? f : 0;
      bucketSum[used ? c & mask : 0] += f;
    }
    syy += squaresUpTo(r) - squaresUpTo(r0);
    if (g === tieGroups) break;
    const end = tieEnd[g];
    const f = vals[q];
    let cnt = 0;
    let sx2 = 0;
    for (; q < end; q++) {
      const c = code[secs[q]];
      const used = c >= 0;
      cnt += used ? 1 : 0;
      sx2 += used ? (c >> BB) + 2 : 0;
      bucketSum[used ? c & mask : 0] += f;
    }
    if (cnt > 0) {
      const avg = r + (cnt + 1) / 2;
      sxy2 += sx2 * avg;
      syy += cnt * avg * avg;
      sf += cnt * f;
      r += cnt;
    }
  }
  walkA.sxy = sxy2 / 2;
  walkA.syy = syy;
  walkA.sf = sf;
}

/**
 * Rank autocorrelation and bucket turnover against the codes of `lag` dates earlier (the ring
 * holds every date's codes, also while replaying, so a block starts with full rings). One
 * sequential walk over the securities per lag.
 */
function autocorrelationAndTurnover(st: PassState, so: SignalPass, s: number, d: DateContext, code: Int32Array): void {
  const { N, R, k, lags } = st;
  const { t, emit } = d;
  const BB = st.bucketBits;
  const mask = (1 << BB) - 1;
  const slots = st.codeSlots[s];
  const cring = st.countRing[s];
  // per bucket b: stay[2b + 1] counts today's names in b that were in b `lag` dates earlier
  // (the bucket mask exceeds k, so an absent name's -1 never matches a bucket). With few
  // buckets the counters are spread over COPIES interleaved copies (by security), so
  // consecutive names rarely increment the same memory cell; the copies are added up after.
  const stay = st.newInBucket;
  const copies = mask < 16 ? STAY_COPIES : 1;
  const copyMask = copies - 1;
  if (emit) {
    for (let l = 0; l < lags.length; l++) {
      const lag = lags[l];
      if (t - lag < 0) continue;
      const prev = slots[(t - lag) % R];
      stay.fill(0, 0, 2 * (mask + 1) * copies);
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
        const b = c & mask;
        // 1 when the bucket `lag` dates earlier is b, without a branch: ((x ^ b) - 1) >>> 31 is 1 iff x === b (x, b >= 0)
        const same = (((pc & mask) ^ b) - 1) >>> 31;
        stay[(((b << 1) | same) * copies) | (i & copyMask)]++;
        if (pc >= 0) {
          const x2 = (c >> BB) + 2;
          const y2 = (pc >> BB) + 2;
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
